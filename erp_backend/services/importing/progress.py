"""The progress bar of `erp-backend import`: one tqdm bar per stage, on stderr.

Shown only on a terminal and for files of PROGRESS_FROM_ROWS lines or more: small files are
done before a bar could say anything, and in logs or pipes a bar is only noise.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, TextIO

from tqdm import tqdm

PROGRESS_FROM_ROWS = 5_000


class ProgressBars:
    def __init__(self, estimated_rows: int, stream: TextIO) -> None:
        self.total = estimated_rows
        self.stream = stream
        self.enabled = estimated_rows >= PROGRESS_FROM_ROWS and stream.isatty()
        self.stage = ""
        self.bar: Any = None

    def __call__(self, stage: str, rows: int) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=self.total, desc=stage, unit=" rows", file=self.stream)
        self.bar.update(rows)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
