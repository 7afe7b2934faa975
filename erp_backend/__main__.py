from erp_backend.cli import main

raise SystemExit(main())
