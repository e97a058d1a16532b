"""Read an order export into a raw DataFrame: CSV (any common delimiter and
encoding), Parquet, XLSX, whitespace-separated transaction logs, or CSV text.

Only reading happens here; what the columns mean is `mapping`'s job.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from skill.paths import MAX_CSV_TEXT_CHARS, MAX_INPUT_FILE_BYTES

logger = logging.getLogger(__name__)

SNIFF_BYTES = 64 * 1024
PARALLEL_READ_MIN_BYTES = 8 * 1024 * 1024  # below this one streaming reader is quick enough
QUOTE_COUNT_CHUNK = 4 * 1024 * 1024
QUOTE, NEWLINE = ord('"'), ord("\n")
DELIMITERS = ",;\t|"
ENCODINGS = ("utf-8-sig", "latin-1")
_NUMERIC_TOKEN = re.compile(r"^-?\d+(\.\d+)?$")
# The cells pandas' readers take as missing by default (pandas._libs.parsers.STR_NA_VALUES, which
# is private); Arrow gets the same list so that every reader here agrees on what is blank.
MISSING_CELLS = (
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
)


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


def _read_with_arrow(source: bytes | Path, delimiter: str, encoding: str, columns: list[str], usecols, text_columns) -> pd.DataFrame:
    """The export as pandas' pyarrow engine reads it (same missing cells, inferred types, columns in
    file order), but streamed (_read_streamed). If a later block does not fit the types the first
    block gave (a number column that turns decimal, a blank column that fills), Arrow's whole-file
    reader, which widens types, reads it again.

    pd.read_csv(engine="pyarrow") is not used: with `dtype` given it fails on integer columns with
    blank cells ("cannot convert NA to integer", pandas 3.1). Arrow reads UTF-8 natively and skips
    a BOM itself; naming any other codec (even utf-8-sig) makes it transcode the whole file through
    Python first.
    """
    wanted = set(usecols) if usecols is not None else set(columns)
    options = {
        "read_options": pacsv.ReadOptions(encoding="utf8" if encoding == "utf-8-sig" else encoding),
        # Quoted cells may hold line breaks (order notes, addresses). Without this Arrow cuts its
        # blocks at any line end, and a row that straddles a cut is refused or misread.
        "parse_options": pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        "convert_options": pacsv.ConvertOptions(
            include_columns=[c for c in columns if c in wanted],
            column_types={c: pa.string() for c in text_columns},
            null_values=list(MISSING_CELLS),
            strings_can_be_null=True,
        ),
    }
    with _arrow_input(source) as arrow_input:
        data = arrow_input.read_buffer()  # zero-copy: the mapped file or the given bytes
        try:
            table = _read_streamed(data, options, columns)
        except pa.ArrowInvalid:
            options["convert_options"].column_types = {c: pa.string() for c in text_columns}
            table = pacsv.read_csv(pa.BufferReader(data), **options)
    # A column with no value at all is float NaN, as pandas' readers give it.
    blank = [i for i, kind in enumerate(table.schema.types) if pa.types.is_null(kind)]
    for i in blank:
        table = table.set_column(i, table.field(i).name, pa.nulls(table.num_rows, pa.float64()))
    return table.to_pandas(split_blocks=True)  # one block per column: no copy to consolidate numbers


def _read_streamed(data: pa.Buffer, options: dict, columns: list[str]) -> pa.Table:
    """Arrow's streaming reader, with every column's type fixed from the first block and text read
    straight into the large_string layout pandas keeps it in.

    Arrow's whole-file reader holds about twice the finished table in scratch memory at once; the
    streaming reader holds one block (at 1M lines ~170 MB less memory to touch), and reading text
    as large_string saves copying every text column when pandas takes it over. A streaming reader
    keeps about one core busy, so a big UTF-8 export is read as two halves, one per core, split at
    a line end outside quoted cells (_split_point).
    """
    first_block = pacsv.open_csv(pa.BufferReader(data), **options).schema
    options["convert_options"].column_types = {
        field.name: pa.large_string() if pa.types.is_string(field.type) else field.type for field in first_block
    }
    split = _split_point(data) if options["read_options"].encoding == "utf8" else None
    if split is None:
        return pacsv.open_csv(pa.BufferReader(data), **options).read_all()
    # The second half has no header: it is given the column names instead.
    second = {**options, "read_options": pacsv.ReadOptions(encoding="utf8", column_names=columns)}
    parts = [(data.slice(0, split), options), (data.slice(split), second)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        halves = list(pool.map(lambda part: pacsv.open_csv(pa.BufferReader(part[0]), **part[1]).read_all(), parts))
    return pa.concat_tables(halves)


def _split_point(data: pa.Buffer) -> int | None:
    """Offset just past the first line end after the middle of a big export that is not inside a
    quoted cell (an even number of quote characters before it); None for small exports, or if the
    next few megabytes have no such line end. Doubled quotes inside quoted cells keep the count even.
    """
    if data.size < PARALLEL_READ_MIN_BYTES:
        return None
    text = np.frombuffer(data, dtype=np.uint8)
    middle = data.size // 2
    # Counted a few megabytes at a time: one comparison over half the file would be a
    # temporary array as big as that half.
    quotes_before = sum(
        int(np.count_nonzero(text[start : min(start + QUOTE_COUNT_CHUNK, middle)] == QUOTE)) for start in range(0, middle, QUOTE_COUNT_CHUNK)
    )
    window = text[middle : middle + QUOTE_COUNT_CHUNK]
    line_ends = np.flatnonzero(window == NEWLINE)
    quotes = np.flatnonzero(window == QUOTE)
    outside = (quotes_before + np.searchsorted(quotes, line_ends)) % 2 == 0
    candidates = line_ends[outside] + middle + 1
    candidates = candidates[candidates < data.size]
    return int(candidates[0]) if len(candidates) else None


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
            frame = _read_with_arrow(source, delimiter, attempt, columns, usecols, list(dtype))
            return RawTable(frame=frame, kind="csv", encoding=attempt, delimiter=delimiter)
        except (UnicodeDecodeError, ValueError, pa.ArrowException) as exc:
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
