"""The periodic sweep the serve process runs: overdue invoices and old idempotency keys."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from erp_backend.db.engine import in_transaction
from erp_backend.services.sweep import SweepResult, sweep

log = logging.getLogger("erp_backend.sweep")


def periodic_sweep(
    every_seconds: float,
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_loop(app, every_seconds))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan


async def _loop(app: FastAPI, every_seconds: float) -> None:
    while True:
        try:
            result: SweepResult = await run_in_threadpool(
                in_transaction, app.state.sessions, lambda s: sweep(s, app.state.clock())
            )
            if result.overdue_invoices:
                log.info("sweep: %d invoices fell overdue", len(result.overdue_invoices))
        except SQLAlchemyError:
            log.exception("sweep failed; trying again next round")
        await asyncio.sleep(every_seconds)
