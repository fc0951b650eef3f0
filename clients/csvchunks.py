"""Splitting a large directory CSV into chunks that are each imported by one call, keeping the
file's own row and line numbers so errors point into the file the person has open."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

DEFAULT_ROWS_PER_CHUNK = 5000


class CsvFileError(ValueError):
    """The file cannot be split into rows at all (not UTF-8, no header, malformed quoting)."""


@dataclass(frozen=True)
class CsvChunk:
    """The header and a run of consecutive data rows, as UTF-8 CSV bytes ready to send."""

    data: bytes
    #: File data-row number of the chunk's first row (data rows count from 1; the header is row 0).
    first_row: int
    #: File line number (1-based) on which each row of the chunk starts.
    lines: tuple[int, ...]

    @property
    def rows(self) -> int:
        return len(self.lines)

    def file_row(self, chunk_row: int) -> int:
        """The file's data-row number for the server's 1-based row number within this chunk."""
        return self.first_row + chunk_row - 1 if chunk_row > 0 else 0

    def file_line(self, chunk_row: int) -> int:
        return self.lines[chunk_row - 1] if 0 < chunk_row <= len(self.lines) else 1


def _records(text: str) -> Iterator[tuple[int, str, bool]]:
    """Yields each CSV record as (first line number, its original text, whether it is blank)."""
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(lines())
    start = 0
    try:
        for record in reader:
            yield start + 1, "".join(consumed[start : reader.line_num]), record == []
            start = reader.line_num
    except csv.Error as exc:
        raise CsvFileError(f"line {reader.line_num}: {exc}") from exc


def split_csv(data: bytes, rows_per_chunk: int = DEFAULT_ROWS_PER_CHUNK) -> list[CsvChunk]:
    """Splits ``data`` into chunks of at most ``rows_per_chunk`` data rows, each with the header.

    Blank lines are left out and not counted, as the service's own CSV reader does, so the row
    numbers here agree with what the service would report for the whole file.
    """
    if rows_per_chunk < 1:
        raise ValueError("rows_per_chunk must be at least 1")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    header = ""
    chunks: list[CsvChunk] = []
    body: list[str] = []
    lines: list[int] = []
    row = 0

    def flush() -> None:
        if lines:
            payload = (header + "".join(body)).encode("utf-8")
            chunks.append(CsvChunk(data=payload, first_row=row - len(lines) + 1, lines=tuple(lines)))
            body.clear()
            lines.clear()

    for line, record_text, blank in _records(text):
        if blank:
            continue
        if not header:
            header = record_text if record_text.endswith(("\n", "\r")) else record_text + "\n"
            continue
        row += 1
        body.append(record_text if record_text.endswith(("\n", "\r")) else record_text + "\n")
        lines.append(line)
        if len(lines) == rows_per_chunk:
            flush()
    flush()
    if not header:
        raise CsvFileError("the file is empty; it needs a header row")
    if not chunks:
        # Only a header: still ask the service, which checks the header's columns.
        chunks.append(CsvChunk(data=header.encode("utf-8"), first_row=1, lines=()))
    return chunks
