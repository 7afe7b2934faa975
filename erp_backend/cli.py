"""`erp-backend`: migrate, seed, import, create keys, serve."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from erp_backend.db.engine import make_engine, make_session_factory, unit_of_work
from erp_backend.domain.errors import DomainError
from erp_backend.domain.principals import Role
from erp_backend.services.importing import KINDS
from erp_backend.settings import ErpSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="erp-backend", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the database to the newest schema")
    seed = commands.add_parser("seed", help="load data")
    seed.add_argument("--demo", action="store_true", required=True, help="the demo business")
    load = commands.add_parser(
        "import", help="take over data from a CSV file (a dry run unless --commit)"
    )
    load.add_argument("kind", choices=list(KINDS), help="what the file holds")
    load.add_argument("file", type=Path, help="CSV, UTF-8, with a header line")
    load.add_argument(
        "--commit", action="store_true", help="write the data (default: check and write nothing)"
    )
    key = commands.add_parser("create-key", help="create an API key and print it")
    key.add_argument(
        "--role", required=True, choices=[r.value for r in Role if r.value != "anonymous"]
    )
    key.add_argument("--customer", help="customer code (role customer only)")
    key.add_argument("--name", help="principal name (default: derived from role/customer)")
    commands.add_parser(
        "sweep", help="raise overdue invoices and purge old idempotency keys, once, now"
    )
    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument(
        "--workers", type=int, default=None, help="processes (default ERP_WORKERS or 1)"
    )
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    settings = ErpSettings()
    try:
        if args.command == "migrate":
            return _migrate(settings)
        if args.command == "seed":
            return _seed(settings)
        if args.command == "import":
            return _import(settings, args.kind, args.file, args.commit)
        if args.command == "sweep":
            return _sweep(settings)
        if args.command == "create-key":
            return _create_key(settings, Role(args.role), args.customer, args.name)
        return _serve(settings, args.host, args.port, args.workers)
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2


def _migrate(settings: ErpSettings) -> int:
    from erp_backend.db.migrate import upgrade

    upgrade(make_engine(settings.database_url))
    print("database is at the newest schema")
    return 0


def _seed(settings: ErpSettings) -> int:
    from erp_backend.domain.money import set_business_currency
    from erp_backend.services.seed import already_seeded, seed_demo

    set_business_currency(settings.currency)
    sessions = make_session_factory(make_engine(settings.database_url))
    with unit_of_work(sessions) as session:
        if already_seeded(session):
            print("demo data already present; nothing to do")
            return 0
        summary = seed_demo(session, datetime.now(UTC))
    print(
        f"seeded {summary.products} products, {summary.customers} customers, "
        f"{summary.orders} past orders, {summary.invoices} invoices"
    )
    return 0


def _import(settings: ErpSettings, kind: str, path: Path, commit: bool) -> int:
    """Exit 0: imported (or would be); 1: problems in the data, nothing written; 2: the
    file cannot be opened or the database changed under the import."""
    from sqlalchemy.exc import IntegrityError

    from erp_backend.services.importing import import_file
    from erp_backend.services.importing.progress import ProgressBars

    try:
        data = path.read_bytes()
    except OSError as error:
        print(f"error: cannot read {path}: {error.strerror}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    with ProgressBars(estimated_rows=data.count(b"\n"), stream=sys.stderr) as bars:
        try:
            now = datetime.now(UTC)
            sessions = make_session_factory(engine)
            report = import_file(sessions, kind, data, now, commit=commit, progress=bars)
        except IntegrityError as error:
            print(
                f"error: the database changed while importing ({error.orig}); "
                "nothing was imported, run the import again",
                file=sys.stderr,
            )
            return 2
        finally:
            engine.dispose()  # the connections go now, not at exit (the tests call main())
    for problem in report.problems:
        print(problem)
    print(report.summary())
    if report.problems:
        return 1
    if not commit:
        print("dry run: nothing was written; run again with --commit to import")
    return 0


def _sweep(settings: ErpSettings) -> int:
    from erp_backend.services.sweep import sweep

    sessions = make_session_factory(make_engine(settings.database_url))
    with unit_of_work(sessions) as session:
        result = sweep(session, datetime.now(UTC))
    print(
        f"{len(result.overdue_invoices)} invoices newly overdue"
        + (f": {', '.join(result.overdue_invoices)}" if result.overdue_invoices else "")
        + f"; {result.purged_idempotency_keys} old idempotency keys purged"
    )
    return 0


def _create_key(
    settings: ErpSettings, role: Role, customer_code: str | None, name: str | None
) -> int:
    from erp_backend.db import repositories as repo
    from erp_backend.services.identity import create_api_key, ensure_principal

    now = datetime.now(UTC)
    sessions = make_session_factory(make_engine(settings.database_url))
    with unit_of_work(sessions) as session:
        customer = None
        if customer_code is not None:
            customer = repo.customer_by_code(session, customer_code.upper())
            if customer is None:
                print(f"error: there is no customer {customer_code}", file=sys.stderr)
                return 2
        default_name = f"contact:{customer.code}" if customer else f"{role.value}-key"
        principal = ensure_principal(session, name or default_name, role, now, customer=customer)
        secret = create_api_key(session, principal, now)
    print(secret)
    return 0


def _serve(settings: ErpSettings, host: str | None, port: int | None, workers: int | None) -> int:
    import uvicorn

    from telemetry.logs import configure_logging

    configure_logging(settings.log_format, settings.log_level)

    uvicorn.run(
        "erp_backend.api.asgi:app_from_settings",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        log_config=None,  # our handlers (JSON lines); the middleware writes the access lines
        log_level=settings.log_level.lower(),
        access_log=False,
    )
    return 0
