"""Engine and transactions, made to behave alike on SQLite and PostgreSQL.

SQLite: one writer at a time. Every writing transaction starts with BEGIN IMMEDIATE so that
writers queue on the busy timeout instead of failing with "database is locked" when a reader
tries to become a writer; read-only sessions begin a plain deferred transaction, and WAL lets
them read while a writer works.
PostgreSQL: READ COMMITTED with row locks; deadlocks and serialization failures are retried.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.db.models import OutboxEvent
from erp_backend.domain.errors import DomainError

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 30_000
RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
MAX_ATTEMPTS = 5


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> Engine:
    # hide_parameters: a database error's text (logged) names the statement, never its values
    # (a chat identity, a customer's data)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        in_memory = not database or database == ":memory:"
        if not in_memory:
            Path(str(database)).parent.mkdir(parents=True, exist_ok=True)
        pool = {} if in_memory else {"pool_size": pool_size, "max_overflow": max_overflow}
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            hide_parameters=True,
            **pool,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=max_overflow, hide_parameters=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN IMMEDIATE below is the only BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Reads take no write lock, so they never wait behind a writer (WAL).
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


READ_ONLY = "erp_read_only"


def make_session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions for changes; with `read_only`, sessions for queries (on SQLite they begin a
    plain deferred transaction instead of taking the write lock)."""
    bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
    sessions = sessionmaker(bind, expire_on_commit=False)
    event.listen(sessions, "before_commit", write_outbox)
    return sessions


# Any constant shared by all ERP processes: the advisory lock that orders outbox commits.
OUTBOX_LOCK_KEY = 7_306_001


def write_outbox(session: Session) -> None:
    """Write the transaction's queued outbox events as its last statements.

    A feed reader pages by id (`GET /events?after=`), so an id must never become visible
    after a higher one. PostgreSQL transactions commit in any order, so the writers take one
    transaction-scoped advisory lock first: from here to commit they go one at a time, and
    ids appear in commit order. The lock is held only for the final insert and the commit.
    SQLite has one writer at a time already."""
    pending = session.info.pop("outbox", None)
    if not pending:
        return
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": OUTBOX_LOCK_KEY})
    session.execute(insert(OutboxEvent), pending)


@contextmanager
def unit_of_work(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back when it raises, except
    for a refusal that asks to keep what it recorded (DomainError.keep_changes)."""
    with sessions() as session:
        session.begin()
        try:
            yield session
        except DomainError as error:
            if error.keep_changes:
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        session.commit()


def in_transaction(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """Run `work` in one transaction, again from the start if PostgreSQL aborted it for a
    deadlock or a serialization conflict (the work must be safe to redo: it is, since the
    aborted attempt left nothing behind)."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with unit_of_work(sessions) as session:
                return work(session)
        except (OperationalError, DBAPIError) as exc:
            if attempt == MAX_ATTEMPTS or not _is_retryable(exc):
                raise
            time.sleep(0.005 * attempt)
    raise AssertionError("unreachable")


def _is_retryable(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate in RETRYABLE_SQLSTATES
