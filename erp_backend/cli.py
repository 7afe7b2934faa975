"""`erp-backend`: migrate, seed, import, manage API keys, serve."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

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
    key.add_argument(
        "--name",
        help="principal name (default: derived from role/customer); an existing principal "
        "gets one more key",
    )
    _expiry_options(key)
    listing = commands.add_parser(
        "list-keys", help="list API keys (never their secrets); by default the usable ones"
    )
    listing.add_argument("--all", action="store_true", help="include revoked and expired keys too")
    listing.add_argument("--name", help="only the keys of this principal")
    revoke = commands.add_parser("revoke-key", help="refuse an API key from now on")
    revoke.add_argument("key", help="the key's id or prefix, as list-keys shows them")
    rotate = commands.add_parser(
        "rotate-key",
        help="print a new key for the same principal; the old one expires after a grace period",
    )
    rotate.add_argument("key", help="the old key's id or prefix, as list-keys shows them")
    rotate.add_argument(
        "--grace-hours",
        type=float,
        default=24.0,
        help="how long the old key keeps working (default 24; 0: refuse it at once)",
    )
    _expiry_options(rotate)
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
            return _create_key(settings, Role(args.role), args.customer, args.name, _expiry(args))
        if args.command == "list-keys":
            return _list_keys(settings, args.all, args.name)
        if args.command == "revoke-key":
            return _revoke_key(settings, args.key)
        if args.command == "rotate-key":
            return _rotate_key(settings, args.key, args.grace_hours, _expiry(args))
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


def _expiry_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--expires-in-days",
        type=_positive_days,
        metavar="N",
        help="the new key stops working after N days (default: it does not expire)",
    )
    group.add_argument(
        "--expires-at",
        type=_utc_time,
        metavar="TIME",
        help="the new key stops working at this ISO time, UTC unless it names a zone",
    )


def _positive_days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not days > 0:
        raise argparse.ArgumentTypeError("the number of days must be more than 0")
    return days


def _utc_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date or time (2027-01-31 or 2027-01-31T18:00)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _expiry(args: argparse.Namespace) -> tuple[float | None, datetime | None]:
    return args.expires_in_days, args.expires_at


def _expires_at(now: datetime, expiry: tuple[float | None, datetime | None]) -> datetime | None:
    days, moment = expiry
    return now + timedelta(days=days) if days is not None else moment


@contextmanager
def _sessions(settings: ErpSettings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(settings.database_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()  # the connections go now, not at exit (the tests call main())


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}Z" if moment is not None else "-"


def _create_key(
    settings: ErpSettings,
    role: Role,
    customer_code: str | None,
    name: str | None,
    expiry: tuple[float | None, datetime | None] = (None, None),
) -> int:
    from erp_backend.db import repositories as repo
    from erp_backend.services.identity import create_api_key, ensure_principal

    now = datetime.now(UTC)
    with _sessions(settings) as sessions, unit_of_work(sessions) as session:
        customer = None
        if customer_code is not None:
            customer = repo.customer_by_code(session, customer_code.upper())
            if customer is None:
                print(f"error: there is no customer {customer_code}", file=sys.stderr)
                return 2
        default_name = f"contact:{customer.code}" if customer else f"{role.value}-key"
        principal = ensure_principal(session, name or default_name, role, now, customer=customer)
        secret = create_api_key(session, principal, now, expires_at=_expires_at(now, expiry))
    print(secret)
    return 0


def _list_keys(settings: ErpSettings, include_unusable: bool, name: str | None) -> int:
    from erp_backend.services.identity import key_status, list_api_keys

    now = datetime.now(UTC)
    with _sessions(settings) as sessions, unit_of_work(sessions) as session:
        rows = [
            (
                str(key.id),
                key.prefix,
                principal.name,
                principal.role,
                _when(key.created_at),
                _when(key.expires_at),
                _when(key.revoked_at),
                key_status(key, principal, now),
            )
            for key, principal in list_api_keys(
                session, now, include_unusable=include_unusable, name=name
            )
        ]
    if not rows:
        print("no keys" if include_unusable else "no usable keys (--all shows every key)")
        return 0
    header = ("ID", "PREFIX", "PRINCIPAL", "ROLE", "CREATED", "EXPIRES", "REVOKED", "STATUS")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return 0


def _revoke_key(settings: ErpSettings, reference: str) -> int:
    from erp_backend.db.models import Principal
    from erp_backend.services.identity import find_api_key, revoke_api_key

    now = datetime.now(UTC)
    with _sessions(settings) as sessions, unit_of_work(sessions) as session:
        key = find_api_key(session, reference)
        principal = session.get(Principal, key.principal_id)
        assert principal is not None
        changed = revoke_api_key(session, key, now)
        described = f"key {key.id} ({key.prefix}) of {principal.name}"
        revoked_at = key.revoked_at
    if changed:
        print(f"revoked {described}; it is refused from now on")
    else:
        print(f"{described} was revoked already, at {_when(revoked_at)}")
    return 0


def _rotate_key(
    settings: ErpSettings,
    reference: str,
    grace_hours: float,
    expiry: tuple[float | None, datetime | None],
) -> int:
    from erp_backend.db.models import Principal
    from erp_backend.services.identity import find_api_key, rotate_api_key

    now = datetime.now(UTC)
    with _sessions(settings) as sessions, unit_of_work(sessions) as session:
        old = find_api_key(session, reference)
        issued = rotate_api_key(
            session,
            old,
            now,
            grace=timedelta(hours=grace_hours),
            expires_at=_expires_at(now, expiry),
        )
        principal = session.get(Principal, old.principal_id)
        assert principal is not None
        note = (
            f"new key {issued.key.id} ({issued.key.prefix}) for {principal.name}; "
            f"the old key {old.id} ({old.prefix}) works until {_when(old.expires_at)}: "
            "deploy the new key before then"
        )
    print(issued.secret)
    print(note, file=sys.stderr)
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
