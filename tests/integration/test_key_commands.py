"""`erp-backend list-keys | revoke-key | rotate-key | create-key --expires-…` and the
api_keys.expires_at migration, on both databases."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from erp_backend import cli
from erp_backend.db.engine import make_engine, unit_of_work
from erp_backend.db.migrate import alembic_config, upgrade
from erp_backend.db.models import ApiKey, Principal
from erp_backend.domain.errors import DomainError
from erp_backend.domain.principals import Actor
from erp_backend.services.identity import Credentials, authenticate, find_api_key
from tests.conftest import BACKENDS
from tests.databases import throwaway_postgres, url_of

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    sessions: sessionmaker[Session],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    """`run("list-keys")` -> (exit code, stdout, stderr), on empty tables."""
    monkeypatch.setenv("ERP_DATABASE_URL", database_url)

    def call(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return call


def login(sessions: sessionmaker[Session], secret: str, now: datetime | None = None) -> Actor:
    with unit_of_work(sessions) as session:
        _caller, actor = authenticate(session, Credentials(secret, None), now or datetime.now(UTC))
    return actor


def key_row(sessions: sessionmaker[Session], secret: str) -> ApiKey:
    with unit_of_work(sessions) as session:
        key = find_api_key(session, secret)
        session.expunge(key)
    return key


def new_key(run: Run, *argv: str) -> str:
    code, out, _ = run("create-key", *argv)
    assert code == 0
    return out.strip()


def test_create_list_and_revoke_keys(run: Run, sessions: sessionmaker[Session]) -> None:
    service = new_key(run, "--role", "service", "--name", "rasa-actions")
    manager = new_key(run, "--role", "manager", "--name", "maria", "--expires-in-days", "30")
    assert login(sessions, manager).name == "maria"
    expires = key_row(sessions, manager).expires_at
    assert expires is not None
    assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=1)

    code, out, _ = run("list-keys")
    assert code == 0
    lines = out.splitlines()
    header = ["ID", "PREFIX", "PRINCIPAL", "ROLE", "CREATED", "EXPIRES", "REVOKED", "STATUS"]
    assert lines[0].split() == header
    assert len(lines) == 3
    service_line = lines[1].split()
    assert service_line[1:4] == [key_row(sessions, service).prefix, "rasa-actions", "service"]
    assert service_line[-2:] == ["-", "active"]
    assert f"{expires:%Y-%m-%d %H:%M}Z" in lines[2]
    for secret in (service, manager):  # never the secret, nor more of it than the prefix
        assert secret not in out
        assert secret[:11] not in out

    code, out, _ = run("revoke-key", str(key_row(sessions, service).id))
    assert code == 0
    assert f"revoked key {key_row(sessions, service).id}" in out
    with pytest.raises(DomainError, match="revoked"):
        login(sessions, service)
    assert login(sessions, manager).name == "maria"

    out = run("list-keys")[1]
    assert "rasa-actions" not in out
    assert "maria" in out
    out = run("list-keys", "--all")[1]
    assert "rasa-actions" in out
    assert "revoked" in out
    assert service not in out
    out = run("list-keys", "--all", "--name", "maria")[1]
    assert "rasa-actions" not in out
    assert "maria" in out

    code, out, _ = run("revoke-key", key_row(sessions, service).prefix)  # again: nothing to do
    assert code == 0
    assert "revoked already" in out


def test_an_ambiguous_prefix_revokes_nothing(run: Run, sessions: sessionmaker[Session]) -> None:
    secrets = [new_key(run, "--role", "sales_rep", "--name", "tom") for _ in range(2)]
    # Make the two prefixes share a start, as could happen by chance.
    with unit_of_work(sessions) as session:
        keys = list(session.scalars(select(ApiKey).order_by(ApiKey.id)))
        keys[0].prefix, keys[1].prefix = "erp_abcdef", "erp_abcxyz"
    code, out, err = run("revoke-key", "erp_abc")
    assert code == 2
    assert "erp_abc matches 2 keys" in err
    assert "give the id" in err
    assert out == ""
    for secret in secrets:
        assert login(sessions, secret).name == "tom"  # nothing was revoked

    code, out, err = run("revoke-key", "erp_abcx")
    assert code == 0
    assert "erp_abcxyz" in out
    with pytest.raises(DomainError, match="revoked"):
        login(sessions, secrets[1])
    assert login(sessions, secrets[0]).name == "tom"

    assert run("revoke-key", "erp_nothing")[0] == 2
    assert run("revoke-key", "999999")[0] == 2
    assert run("revoke-key", "9" * 30)[0] == 2
    code, _, err = run("revoke-key", "abc")
    assert code == 2
    assert "id or its prefix" in err


def test_rotation_keeps_the_old_key_through_the_grace_period(
    run: Run, sessions: sessionmaker[Session]
) -> None:
    old = new_key(run, "--role", "service", "--name", "chat-gateway")
    code, out, err = run("rotate-key", key_row(sessions, old).prefix, "--grace-hours", "2")
    assert code == 0
    new = out.strip()
    assert new.startswith("erp_")
    assert new != old
    assert len(out.splitlines()) == 1  # stdout is the key alone: `rotate-key … > file`
    assert "deploy the new key" in err
    assert new not in err
    now = datetime.now(UTC)
    assert login(sessions, old, now + timedelta(hours=1)).name == "chat-gateway"
    assert login(sessions, new, now + timedelta(hours=1)).name == "chat-gateway"
    with pytest.raises(DomainError, match="expired"):
        login(sessions, old, now + timedelta(hours=2, minutes=1))
    assert login(sessions, new, now + timedelta(days=365)).name == "chat-gateway"
    with unit_of_work(sessions) as session:
        assert len(session.scalars(select(Principal)).unique().all()) == 1

    # A key in its grace period may be cut short; an expired one is not rotated again.
    assert run("rotate-key", key_row(sessions, old).prefix, "--grace-hours", "0")[0] == 0
    code, _, err = run("rotate-key", key_row(sessions, old).prefix)
    assert code == 2
    assert "expired already" in err

    # the new key's own lifetime
    code, out, _ = run("rotate-key", key_row(sessions, new).prefix, "--expires-at", "2099-01-01")
    assert code == 0
    assert key_row(sessions, out.strip()).expires_at == datetime(2099, 1, 1, tzinfo=UTC)


def test_expiry_options_are_checked(run: Run) -> None:
    for bad in (["--expires-in-days", "0"], ["--expires-in-days", "x"], ["--expires-at", "soon"]):
        with pytest.raises(SystemExit) as exit_:
            run("create-key", "--role", "admin", *bad)
        assert exit_.value.code == 2
    code, _, err = run("create-key", "--role", "admin", "--expires-at", "2001-01-01")
    assert code == 2
    assert "future" in err
    code, out, _ = run("list-keys")
    assert code == 0
    assert "no usable keys" in out


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with throwaway_postgres("erp_migration") as name:
        yield url_of(name)


def test_the_expiry_migration_upgrades_and_downgrades(fresh_url: str) -> None:
    engine = make_engine(fresh_url)

    def columns() -> set[str]:
        return {column["name"] for column in inspect(engine).get_columns("api_keys")}

    try:
        upgrade(engine, "0006")
        assert "expires_at" not in columns()
        upgrade(engine, "0007")
        assert "expires_at" in columns()
        config = alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0006")
        assert "expires_at" not in columns()
        upgrade(engine)
        assert "expires_at" in columns()
    finally:
        engine.dispose()
