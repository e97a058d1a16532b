"""Read an order export into a raw DataFrame: CSV (any common delimiter and
encoding), Parquet, XLSX, whitespace-separated transaction logs, or CSV text.

Only reading happens here; what the columns mean is `mapping`'s job.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from skill.paths import MAX_CSV_TEXT_CHARS, MAX_INPUT_FILE_BYTES

logger = logging.getLogger(__name__)

SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
ENCODINGS = ("utf-8-sig", "latin-1")
_NUMERIC_TOKEN = re.compile(r"^-?\d+(\.\d+)?$")


class OrdersInputError(ValueError):
    """The export cannot be read or lacks the columns an analysis needs."""


@dataclass(frozen=True)
class RawTable:
    frame: pd.DataFrame
    kind: str  # csv | parquet | xlsx | whitespace_log
    headerless: bool = False
    encoding: str | None = None
    delimiter: str | None = None


def _is_whitespace_log(head: str) -> bool:
    """A log has no CSV delimiter and at least three whitespace-separated tokens per line."""
    lines = [line for line in head.splitlines()[:20] if line.strip()]
    if not lines or any(d in lines[0] for d in DELIMITERS):
        return False
    return all(len(line.split()) >= 3 for line in lines)


def _sniff_delimiter(head: str) -> str:
    try:
        return csv.Sniffer().sniff(head, delimiters=DELIMITERS).delimiter
    except csv.Error:
        # Sniffer gives up on one-column or very regular files; count instead.
        first = head.splitlines()[0] if head else ""
        return max(DELIMITERS, key=first.count)


def _decode_head(data: bytes) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            # A cut multi-byte character at the end of the sample is not an error.
            return data.decode(encoding, errors="strict" if len(data) < SNIFF_BYTES else "ignore"), encoding
        except UnicodeDecodeError:
            continue
    raise OrdersInputError("The export is neither UTF-8 nor Latin-1 text")


def _read_log(buffer: io.BytesIO | Path, head: str, encoding: str) -> RawTable:
    first = head.splitlines()[0].split()
    headerless = all(_NUMERIC_TOKEN.match(token) for token in first)
    frame = pd.read_csv(
        buffer,
        sep=r"\s+",
        header=None if headerless else 0,
        names=[f"position {i}" for i in range(1, len(first) + 1)] if headerless else None,
        dtype="str",
        encoding=encoding,
    )
    if not headerless:
        frame = frame.rename(columns=str.strip)
    return RawTable(frame=frame, kind="whitespace_log", headerless=headerless, encoding=encoding)


def _head_bytes(source: bytes | Path) -> bytes:
    if isinstance(source, bytes):
        return source[:SNIFF_BYTES]
    with source.open("rb") as file:
        return file.read(SNIFF_BYTES)


def _arrow_input(source: bytes | Path) -> pa.NativeFile:
    """A memory map for files: pyarrow parses the OS's cached pages in place, so the export is
    never copied into process memory (at 1M lines that is 80 MB less to allocate and fault in)."""
    return pa.memory_map(str(source)) if isinstance(source, Path) else pa.BufferReader(source)


def _pandas_input(source: bytes | Path) -> io.BytesIO | Path:
    return source if isinstance(source, Path) else io.BytesIO(source)


def _read_delimited(source: bytes | Path, usecols_for, string_columns_for) -> RawTable:
    """Read CSV bytes (inline text) or a CSV file."""
    head, encoding = _decode_head(_head_bytes(source))
    if _is_whitespace_log(head):
        return _read_log(_pandas_input(source), head, encoding)
    delimiter = _sniff_delimiter(head)
    header = pd.read_csv(io.StringIO(head), sep=delimiter, nrows=0).columns
    columns = [str(c) for c in header]
    usecols = usecols_for(columns)
    dtype = {c: "str" for c in string_columns_for(columns)}
    for attempt in ENCODINGS[ENCODINGS.index(encoding) :]:
        try:
            # An Arrow file lets pyarrow parse the bytes in place, without Python-level reads
            # of a BytesIO under the GIL (steadier and up to twice as fast at 1M lines).
            # Arrow reads UTF-8 natively and skips a BOM itself; naming any other codec (even
            # utf-8-sig) makes it transcode the whole file through Python first.
            arrow_encoding = "utf-8" if attempt == "utf-8-sig" else attempt
            with _arrow_input(source) as arrow_input:
                frame = pd.read_csv(
                    arrow_input, sep=delimiter, engine="pyarrow", encoding=arrow_encoding, usecols=usecols, dtype=dtype
                )
            return RawTable(frame=frame, kind="csv", encoding=attempt, delimiter=delimiter)
        except (UnicodeDecodeError, ValueError) as exc:
            # pyarrow refuses ragged or oddly quoted files that the C parser reads fine.
            logger.info("fast CSV read failed (%s); retrying", type(exc).__name__)
            try:
                frame = pd.read_csv(
                    _pandas_input(source), sep=delimiter, engine="c", encoding=attempt, usecols=usecols, dtype=dtype
                )
                return RawTable(frame=frame, kind="csv", encoding=attempt, delimiter=delimiter)
            except UnicodeDecodeError:
                continue
            except (ValueError, pd.errors.ParserError) as inner:
                raise OrdersInputError(f"Could not parse the CSV ({type(inner).__name__}: {inner})") from None
    raise OrdersInputError("The export is neither UTF-8 nor Latin-1 text")


def read_table(
    path: Path | None = None,
    csv_text: str | None = None,
    *,
    usecols_for=lambda columns: None,
    string_columns_for=lambda columns: [],
) -> RawTable:
    """Read `path` (by extension) or inline `csv_text`.

    `usecols_for(columns)` and `string_columns_for(columns)` let the caller keep
    only mapped columns and read id columns as text (leading zeros survive).
    """
    if (path is None) == (csv_text is None):
        raise OrdersInputError("Give exactly one of a file path or CSV text")
    if csv_text is not None:
        if len(csv_text) > MAX_CSV_TEXT_CHARS:
            raise OrdersInputError(
                f"Inline CSV text is {len(csv_text):,} characters; the limit is {MAX_CSV_TEXT_CHARS:,}. Pass a file path."
            )
        return _read_delimited(csv_text.encode("utf-8"), usecols_for, string_columns_for)
    if not path.is_file():
        raise OrdersInputError(f"No such file: {path}")
    size = path.stat().st_size
    if size > MAX_INPUT_FILE_BYTES:
        raise OrdersInputError(
            f"{path.name} is {size:,} bytes; the limit is {MAX_INPUT_FILE_BYTES:,}. "
            "Aggregate per customer first (see docs/scale.md)."
        )
    if size == 0:
        raise OrdersInputError(f"{path.name} is empty")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return RawTable(frame=pd.read_parquet(path), kind="parquet")
    if suffix in (".xlsx", ".xlsm"):
        try:
            import openpyxl  # noqa: F401  (pandas needs it; fail with a useful message)
        except ImportError:
            raise OrdersInputError(
                "Reading .xlsx needs openpyxl: install the extra with pip install 'ltv-optimizer[xlsx]', "
                "or save the sheet as CSV"
            ) from None
        return RawTable(frame=pd.read_excel(path, engine="openpyxl"), kind="xlsx")
    return _read_delimited(path, usecols_for, string_columns_for)
