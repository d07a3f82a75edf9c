"""Reading and writing the device CSV (pure: bytes in, records and errors out).

Spreadsheets write what they like: a UTF-8 byte order mark, CRLF line ends, quoted cells
with commas or line breaks, header names in any case, blank lines at the end. All of that
is read; what cannot be read is an error naming its line and the fix, never a guess.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from hub.fleet.bulk.schemas import COLUMNS, MAX_ROWS, REQUIRED_COLUMNS, RowError


@dataclass(frozen=True)
class Record:
    """One data row: the line it starts on and its cells by column (whitespace trimmed)."""

    line: int
    cells: dict[str, str]


@dataclass
class ParsedFile:
    """The header's columns, the data rows, what made the file unreadable (`errors`: no
    row is worth checking) and the rows that could not be split into the columns."""

    columns: tuple[str, ...] = ()
    records: list[Record] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    misshapen: list[RowError] = field(default_factory=list)


def parse(body: bytes) -> ParsedFile:
    """Read a device CSV. An empty body is a file without rows (nothing to import)."""
    text, error = _decode(body)
    if error is not None:
        return ParsedFile(errors=[error])
    parsed = ParsedFile()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        _read(reader, parsed)
    except csv.Error as exc:
        parsed.errors.append(RowError(row=reader.line_num, column=None, message=(
            f"not readable as CSV ({exc}); check the quotes on this line: a quoted cell "
            "must be closed, and a quote inside one is written twice (\"\")")))
    return parsed


def _decode(body: bytes) -> tuple[str, RowError | None]:
    try:
        return body.decode("utf-8-sig"), None  # a spreadsheet's BOM is dropped
    except UnicodeDecodeError as exc:
        line = body[:exc.start].count(b"\n") + 1
        return "", RowError(row=line, column=None, message=(
            f"not UTF-8 text (byte 0x{body[exc.start]:02x}); save the file as "
            "\"CSV UTF-8\""))


def _records(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, its cells) for every non-blank record."""
    line = 1
    for cells in reader:
        start, line = line, reader.line_num + 1  # type: ignore[attr-defined]
        if any(cell.strip() for cell in cells):
            yield start, cells


def _read(reader: Iterator[list[str]], parsed: ParsedFile) -> None:
    records = _records(reader)
    header = next(records, None)
    if header is None:
        return
    parsed.columns = tuple(cell.strip().lower() for cell in header[1])
    parsed.errors += header_errors(parsed.columns, header[0])
    if parsed.errors:
        return
    for line, cells in records:
        if len(parsed.records) == MAX_ROWS:
            parsed.errors.append(RowError(row=line, column=None, message=(
                f"more than {MAX_ROWS} rows; split the file and import the parts one by one")))
            return
        if len(cells) != len(parsed.columns):
            parsed.misshapen.append(_width_error(line, len(cells), len(parsed.columns)))
            continue
        parsed.records.append(Record(line, {column: cell.strip() for column, cell
                                            in zip(parsed.columns, cells, strict=True)}))


def _width_error(line: int, cells: int, columns: int) -> RowError:
    less = "fewer" if cells < columns else "more"
    return RowError(row=line, column=None, message=(
        f"{cells} cells, {less} than the header's {columns} columns; every row has one cell "
        "per column (leave a cell empty, do not drop it; quote a cell holding a comma)"))


def header_errors(columns: Sequence[str], line: int = 1) -> list[RowError]:
    """Unknown, repeated or missing columns of a header."""
    errors = []
    known = ", ".join(COLUMNS)
    for n, column in enumerate(columns):
        if column not in COLUMNS:
            shown = repr(column[:40]) if column else "(empty)"
            errors.append(RowError(row=line, column=column or None, message=(
                f"unknown column {shown}; the columns are {known}")))
        elif column in columns[:n]:
            errors.append(RowError(row=line, column=column, message=(
                "column appears twice; keep one")))
    errors += [RowError(row=line, column=column, message=(
        f"required column missing; the header needs {', '.join(REQUIRED_COLUMNS)}"))
        for column in REQUIRED_COLUMNS if column not in columns]
    return errors


def render(rows: Iterable[Sequence[str]]) -> str:
    """The CSV text of the header and `rows` (RFC 4180: CRLF, quoted where needed)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()
