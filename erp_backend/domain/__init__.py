"""Business rules in plain Python: no web framework, no database, no I/O."""
