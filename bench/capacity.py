"""What one Rasa replica, one ERP worker and the gateway carry, and what a chat turn costs the
shared PostgreSQL and Redis (figures for docs/scaling.md, never pass/fail).

Starts the production topology on this machine's services: the ERP on a throwaway PostgreSQL
database (demo data), the action server, ONE Rasa server with its tracker store in another
throwaway PostgreSQL database and its lock store in Redis (as in docker-compose.yml), and the
gateway. Then C browsers at once hold realistic chats through the gateway (a new linked chat
for each conversation: link, hello, an order's status, my orders, a price, an order of 40
BOLT-M8 by Friday with the usual address, confirmed, thanks), for each C in --concurrency.

For each C prints turns per second, p50/p95 turn time, and per turn: CPU seconds of each
process (Rasa, action server, ERP, gateway), PostgreSQL transactions and rows written in the
tracker and ERP databases, and Redis commands. The reference, measured in the same run at the
same concurrency, is Rasa's NLU alone (`POST /model/parse` of the same texts, no dialogue,
tracker, actions or gateway): the ratio says what a whole turn costs over understanding it.

    .venv/bin/python bench/capacity.py [--seconds 40] [--concurrency 1 4 12]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.memory import children, kind_of, tree  # noqa: E402  (after the path is set)
from bench.timing import percentile  # noqa: E402
from tests.databases import throwaway_postgres, url_of  # noqa: E402
from tests.live_server import free_port, process_serving, serving  # noqa: E402
from tests.product import (  # noqa: E402
    ERP_CLI,
    RASA_ENV,
    RunningErp,
    rasa_command,
    running_actions,
    running_gateway,
    trained_model,
)

CUSTOMER = "CUST-0004"
TICKS = os.sysconf("SC_CLK_TCK")


def conversation(number: str) -> list[str]:
    return [
        "hello",
        f"where is {number}?",
        "show my orders",
        "how much is BOLT-M8?",
        "I'd like to order 40 BOLT-M8 by Friday",
        "yes",  # the usual address
        "yes",  # confirm the preview
        "thanks",
    ]


@contextmanager
def erp_on_postgres(database: str) -> Iterator[RunningErp]:
    url = url_of(database).replace("postgresql://", "postgresql+psycopg://", 1)
    env = {**os.environ, "ERP_DATABASE_URL": url}

    def cli(*args: str) -> str:
        done = subprocess.run([ERP_CLI, *args], env=env, check=True, capture_output=True, text=True)
        return done.stdout.strip()

    cli("migrate")
    cli("seed", "--demo")
    keys = [
        cli("create-key", "--role", "service", "--name", "rasa-actions"),
        cli("create-key", "--role", "sales_rep", "--name", "tom.becker"),
        cli("create-key", "--role", "manager", "--name", "maria.lopez"),
    ]
    with serving(url, erp_command=[str(ERP_CLI)]) as base:
        yield RunningErp(base, *keys)


@contextmanager
def rasa_on_shared_stores(
    erp: RunningErp, tracker_db: str, folder: Path, prefix: str
) -> Iterator[str]:
    with running_actions(erp) as actions_url:
        endpoints = folder / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "{actions_url}/webhook"\n'
            f"  headers:\n    X-Action-Token: {RASA_ENV['ACTION_SERVER_TOKEN']}\n"
            "tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: 127.0.0.1\n"
            f"  port: 5432\n  db: {tracker_db}\n  username: postgres\n"
            "lock_store:\n  type: redis\n  url: 127.0.0.1\n  port: 6379\n  db: 3\n"
            f"  key_prefix: {prefix}\n"
        )
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {**os.environ, **RASA_ENV, "TICKET_LOCK_LIFETIME": "10"}
        command = rasa_command(trained_model(), endpoints, port)
        with process_serving("rasa", command, env, url, "/status", timeout=300, cwd=str(ROOT)):
            yield url


@dataclass
class Snapshot:
    cpu: dict[str, float]  # seconds per process kind
    database: dict[str, tuple[int, int]]  # per database: transactions, rows written
    redis_calls: int


def cpu_by_kind() -> dict[str, float]:
    found: dict[str, float] = {}
    for pid in children(os.getpid()):
        kind = kind_of(pid)
        if kind is None:
            continue
        for member in tree(pid):
            try:
                fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[kind] = found.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / TICKS
    return found


def snapshot(databases: dict[str, str]) -> Snapshot:
    server = create_engine(url_of("postgres"), isolation_level="AUTOCOMMIT")
    counts = {}
    with server.connect() as connection:
        for label, name in databases.items():
            row = connection.execute(
                text(
                    "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted "
                    "FROM pg_stat_database WHERE datname = :name"
                ),
                {"name": name},
            ).one()
            counts[label] = (int(row[0]), int(row[1]))
        # the statistics collector publishes at most twice a second: make this read current
        connection.exec_driver_sql("SELECT pg_stat_clear_snapshot()")
    server.dispose()
    info = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "info", "commandstats"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    calls = sum(
        int(part.split("=")[1])
        for line in info.splitlines()
        if line.startswith("cmdstat_") and not line.startswith("cmdstat_info")
        for part in line.split(":", 1)[1].split(",")
        if part.startswith("calls=")
    )
    return Snapshot(cpu_by_kind(), counts, calls)


@dataclass
class Load:
    turns: list[float] = field(default_factory=list)  # seconds each
    failures: int = 0


async def chat(gateway: str, erp: RunningErp, number: str, stop: float, load: Load) -> None:
    async with httpx.AsyncClient(base_url=erp.url + "/api/v1", timeout=60) as staff:
        while time.monotonic() < stop:
            made = await staff.post(
                "/identity/link-codes",
                json={"customer_code": CUSTOMER},
                headers={"Authorization": f"Bearer {erp.manager_key}"},
            )
            code = made.json()["code"]
            async with httpx.AsyncClient(base_url=gateway, timeout=120) as browser:
                await browser.get("/")
                for said in [f"link {code}", *conversation(number)]:
                    if time.monotonic() >= stop:
                        return
                    started = time.monotonic()
                    answer = await browser.post("/chat/messages", json={"text": said})
                    if answer.status_code != 200 or not answer.json()["replies"]:
                        load.failures += 1
                    load.turns.append(time.monotonic() - started)


async def parse_only(rasa: str, texts: list[str], stop: float, load: Load) -> None:
    async with httpx.AsyncClient(base_url=rasa, timeout=120) as client:
        index = 0
        while time.monotonic() < stop:
            started = time.monotonic()
            answer = await client.post("/model/parse", json={"text": texts[index % len(texts)]})
            if answer.status_code != 200:
                load.failures += 1
            load.turns.append(time.monotonic() - started)
            index += 1


async def run_for(seconds: float, make: list) -> tuple[Load, float]:  # type: ignore[type-arg]
    load = Load()
    start = time.monotonic()
    stop = start + seconds
    await asyncio.gather(*(factory(stop, load) for factory in make))
    return load, time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40, help="per concurrency level")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 12])
    args = parser.parse_args()
    prefix = "capacity" + uuid.uuid4().hex[:8]
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="capacity-")))
        erp_db = stack.enter_context(throwaway_postgres("capacity_erp"))
        rasa_db = stack.enter_context(throwaway_postgres("capacity_rasa"))
        erp = stack.enter_context(erp_on_postgres(erp_db))
        rasa = stack.enter_context(rasa_on_shared_stores(erp, rasa_db, folder, prefix))
        gateway = stack.enter_context(running_gateway(erp, rasa, folder))
        with httpx.Client(base_url=erp.url + "/api/v1", timeout=30) as manager:
            manager.headers["Authorization"] = f"Bearer {erp.manager_key}"
            number = manager.get("/orders", params={"customer_code": CUSTOMER}).json()["items"]
            number = number[0]["number"]
        texts = [f"link {123456}", *conversation(number)]
        databases = {"tracker": rasa_db, "erp": erp_db}

        def chats(c: int) -> list:  # type: ignore[type-arg]
            return [lambda stop, load: chat(gateway, erp, number, stop, load) for _ in range(c)]

        asyncio.run(run_for(10, chats(2)))  # warm-up: models, connections, caches
        rows = []
        for c in args.concurrency:
            before = snapshot(databases)
            load, took = asyncio.run(run_for(args.seconds, chats(c)))
            time.sleep(1)  # let the statistics collector publish the last transactions
            after = snapshot(databases)
            nlu, nlu_took = asyncio.run(
                run_for(
                    args.seconds / 2,
                    [lambda stop, ld: parse_only(rasa, texts, stop, ld) for _ in range(c)],
                )
            )
            rows.append((c, load, took, before, after, nlu, nlu_took))

    print(f"one Rasa replica, one ERP worker, the gateway; {args.seconds:.0f} s per level")
    print(
        f"{'chats':>5} {'turns/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'fail':>4} "
        f"{'NLU/s':>7} {'ratio':>6}  CPU s per turn (Rasa/actions/ERP/gateway)   "
        "tracker tx, rows  ERP tx, rows  Redis cmds"
    )
    for c, load, took, before, after, nlu, nlu_took in rows:
        n = len(load.turns)
        rate = n / took
        nlu_rate = len(nlu.turns) / nlu_took
        cpu = [
            (after.cpu.get(k, 0) - before.cpu.get(k, 0)) / n
            for k in ("Rasa", "action server", "ERP", "gateway")
        ]
        tracker, erp_work = (
            [(a - b) / n for a, b in zip(after.database[db], before.database[db], strict=True)]
            for db in ("tracker", "erp")
        )
        redis = (after.redis_calls - before.redis_calls) / n
        print(
            f"{c:>5} {rate:8.2f} {statistics.median(load.turns) * 1000:7.0f} "
            f"{percentile(load.turns, 0.95) * 1000:7.0f} {load.failures:>4} "
            f"{nlu_rate:7.1f} {rate / nlu_rate:6.2f}  "
            + " / ".join(f"{x:.3f}" for x in cpu)
            + f"   {tracker[0]:5.1f}, {tracker[1]:5.1f}    {erp_work[0]:5.1f}, {erp_work[1]:5.1f}"
            + f"   {redis:5.1f}"
        )
    print(json.dumps({"cores": os.cpu_count()}))


if __name__ == "__main__":
    main()
