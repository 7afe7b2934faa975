"""From the file's bytes to a checked header and rows of cells, each with its line number.

Problems with the file as a whole (not UTF-8, empty, a header that does not fit) stop here,
before any row is read: nothing after them could be trusted. A row with the wrong number of
cells is a problem of that row only; the other rows are still checked.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol


class _CsvReader(Protocol):
    @property
    def line_num(self) -> int: ...
    def __iter__(self) -> Iterator[list[str]]: ...


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong, in words for whoever prepared the file."""

    line: int  # 0: the file as a whole
    column: str = ""
    message: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line else []
        if self.column:
            where.append(f"column {self.column}")
        return ", ".join(where) + ": " + self.message if where else self.message


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file (the header is line 1)
    cells: dict[str, str]  # column name -> the cell's text, stripped


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[Row]
    problems: list[Problem]  # rows with too many or too few cells (left out of `rows`)


class UnreadableFile(Exception):
    """The file cannot be read as a table of this kind at all."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def read_table(data: bytes, required: Sequence[str], optional: Sequence[str]) -> Table:
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    expected = ",".join(required) + "".join(f"[,{name}]" for name in optional)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise UnreadableFile(
                [Problem(0, "", f"the file is empty; expected the header {expected}")]
            )
        columns = check_header(header, required, optional, expected)
        rows, problems = _rows(reader, columns)
    except csv.Error as error:
        raise UnreadableFile(
            [Problem(reader.line_num, "", f"the file is not valid CSV here ({error})")]
        ) from None
    if not rows and not problems:
        raise UnreadableFile([Problem(0, "", "the file has a header but no rows")])
    return Table(columns, rows, problems)


def decode(data: bytes) -> str:
    """UTF-8, with or without the BOM Excel writes. Anything else is refused, not guessed:
    a wrong guess would store wrong names without any error."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(
            [Problem(0, "", 'the file is UTF-16; save it as "CSV UTF-8" and import it again')]
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        raise UnreadableFile(
            [
                Problem(
                    line,
                    "",
                    f"the file is not UTF-8 (byte 0x{byte:02X} cannot be read); it was probably "
                    'saved as Windows-1252 or Latin-1. Save it as "CSV UTF-8" and import it again',
                )
            ]
        ) from None


def check_header(
    header: list[str], required: Sequence[str], optional: Sequence[str], expected: str
) -> list[str]:
    # A BOM left inside the text (a file whose BOM was saved again as text: two at the
    # start) would make the first column "\ufeffcode", unknown and invisible: it is dropped.
    columns = [cell.strip().lstrip("\ufeff").strip().lower() for cell in header]
    problems = []
    missing = [name for name in required if name not in columns]
    if len(columns) == 1 and ";" in columns[0]:
        problems.append(
            Problem(1, "", f"the cells are separated by ';'; use ',' (expected header {expected})")
        )
    elif missing:
        problems.append(
            Problem(1, "", f"missing column(s) {', '.join(missing)}; expected header {expected}")
        )
    # An unknown column is refused, not ignored: it is most often a misspelt optional
    # column ("emial"), whose data would otherwise be dropped without a word.
    unknown = [name for name in columns if name not in required and name not in optional]
    if unknown and not problems:
        problems.append(
            Problem(1, "", f"unknown column(s) {', '.join(unknown)}; expected header {expected}")
        )
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        problems.append(Problem(1, "", f"column(s) {', '.join(repeated)} appear more than once"))
    if problems:
        raise UnreadableFile(problems)
    return columns


def _rows(reader: _CsvReader, columns: list[str]) -> tuple[list[Row], list[Problem]]:
    rows: list[Row] = []
    problems: list[Problem] = []
    line = reader.line_num + 1
    for cells in reader:
        # Blank lines and rows of empty cells (spreadsheets leave them at the end) are skipped.
        if any(cell.strip() for cell in cells):
            if len(cells) != len(columns):
                problems.append(
                    Problem(
                        line,
                        "",
                        f"{len(cells)} cells, but the header has {len(columns)} columns "
                        "(a comma inside a cell needs the cell in double quotes)",
                    )
                )
            else:
                rows.append(Row(line, {n: c.strip() for n, c in zip(columns, cells, strict=True)}))
        line = reader.line_num + 1
    return rows, problems
