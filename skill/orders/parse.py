"""Vectorised parsers for the messy cells of exports: money, dates, flags, keys.

Each parser returns NaN/NaT for what it cannot read so the caller can count it;
nothing is dropped here.
"""

from __future__ import annotations

import binascii

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_ISO_PREFIX = r"^\d{4}-\d{2}-\d{2}"
_ISO_PLAIN = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}:\d{2})?$"  # the shapes Arrow's cast and pandas read alike
_KEY_WIDTH = len("c_") + 16
DATE_FORMATS = tuple(
    f"{day}{time}"
    for day in ("%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%m/%d/%y", "%d/%m/%y", "%d-%m-%Y", "%b %d, %Y", "%d %b %Y")
    for time in ("", " %H:%M", " %H:%M:%S", " %I:%M %p")
)
TRUE_WORDS = {"true", "1", "yes", "y", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "f"}


def is_arrow_text(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """pd.factorize, through pyarrow's dictionary_encode for Arrow-backed text.

    Same codes and uniques (first-appearance order, -1 for missing); pandas' own path
    is about three times slower on high-cardinality columns such as order ids. Arrow's
    codes stay int32 (half the memory of pandas' int64 over a million rows).
    """
    if not is_arrow_text(values):
        return pd.factorize(values)
    encoded = pc.dictionary_encode(values.array.__arrow_array__())
    if encoded.num_chunks == 0:
        return pd.factorize(values)
    indices = pa.chunked_array([chunk.indices for chunk in encoded.chunks])
    codes = pc.fill_null(indices, -1).to_numpy()
    return codes, pd.Index(pd.array(encoded.chunks[0].dictionary, dtype=values.dtype))


def to_number(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Floats from numbers or money text ('$1,234.50', '1.234,50 €', '(12.00)'); second value marks unreadable cells."""
    if pd.api.types.is_bool_dtype(values):
        return pd.Series(np.nan, index=values.index), values.notna()
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64"), pd.Series(False, index=values.index)
    text = values.astype("str").where(values.notna())
    number = pd.to_numeric(text, errors="coerce").astype("float64")
    suspicious = number.isna() & text.notna() & (text.str.strip() != "")
    if suspicious.any():
        messy = text[suspicious].str.strip()
        negative = messy.str.contains(r"^\(.*\)$|-", regex=True)
        digits = messy.str.replace(r"[^\d,.]", "", regex=True)
        decimal_comma = digits.str.contains(r"^[\d.]*,\d{1,2}$", regex=True)
        digits = digits.where(~decimal_comma, digits.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
        digits = digits.where(decimal_comma, digits.str.replace(",", "", regex=False))
        fixed = pd.to_numeric(digits.where(digits != ""), errors="coerce")
        number.loc[suspicious] = fixed.where(~negative, -fixed).to_numpy()
    unreadable = number.isna() & text.notna() & (text.str.strip() != "")
    return number, unreadable


def _epoch_or_compact(numbers: pd.Series) -> pd.Series:
    """Integer dates: YYYYMMDD (8 digits), Unix seconds, or Unix milliseconds."""
    typical = numbers.dropna().abs().median() if numbers.notna().any() else 0
    if 1e7 <= typical < 1e8:
        return pd.to_datetime(numbers.astype("Int64").astype("str"), format="%Y%m%d", errors="coerce")
    unit = "ms" if typical >= 1e11 else "s"
    return pd.to_datetime(numbers, unit=unit, errors="coerce")


def to_datetime(values: pd.Series) -> pd.Series:
    """Naive timestamps in the shop's wall-clock time (offsets dropped, so a day is the shop's day)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_localize(None).astype("datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype("datetime64[ns]")
    if pd.api.types.is_numeric_dtype(values):
        return _epoch_or_compact(values).astype("datetime64[ns]")
    text = values.astype("str").where(values.notna()).str.strip()
    sample = text.dropna().head(1000)
    if sample.empty:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if sample.str.fullmatch(r"\d{8}|\d{9,13}").mean() > 0.9:
        return _epoch_or_compact(pd.to_numeric(text, errors="coerce")).astype("datetime64[ns]")
    if sample.str.contains(_ISO_PREFIX, regex=True).mean() > 0.9:
        # Dropping the UTC offset keeps local wall time; ISO8601 parsing is the fast path.
        return _iso_wall_time(text.str.slice(0, 19))
    # An explicit format parses fast and settles day-first vs month-first on the whole sample.
    # Ties go to the earlier (month-first) format.
    scores = [pd.to_datetime(sample, format=f, errors="coerce").notna().sum() for f in DATE_FORMATS]
    best = int(np.argmax(scores))
    if scores[best] >= 0.9 * len(sample):
        return pd.to_datetime(text, format=DATE_FORMATS[best], errors="coerce").astype("datetime64[ns]")
    parsed = pd.to_datetime(text, format="mixed", errors="coerce")
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):  # one offset for all parsed cells: keep wall time, as above
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[ns]")


def _iso_wall_time(text: pd.Series) -> pd.Series:
    """pd.to_datetime(text, format='ISO8601', errors='coerce'), with Arrow parsing the plain cells.

    Arrow's string-to-timestamp cast reads 'YYYY-MM-DD[ HH:MM:SS]' about twice as fast as
    pandas; the other cells (and everything, if the cast refuses a cell such as Feb 30)
    go through pandas, so the result is the same.
    """
    if not is_arrow_text(text):
        return pd.to_datetime(text, format="ISO8601", errors="coerce").astype("datetime64[ns]")
    arrow = pa.chunked_array(text.array.__arrow_array__())
    plain = pc.fill_null(pc.match_substring_regex(arrow, _ISO_PLAIN), False)
    try:
        parsed = pc.cast(pc.if_else(plain, arrow, pa.scalar(None, arrow.type)), pa.timestamp("ns"))
    except pa.ArrowInvalid:
        return pd.to_datetime(text, format="ISO8601", errors="coerce").astype("datetime64[ns]")
    result = pd.Series(parsed.to_numpy(), index=text.index, dtype="datetime64[ns]")
    other = ~plain.to_numpy(zero_copy_only=False) & text.notna().to_numpy()
    if other.any():
        result[other] = pd.to_datetime(text[other], format="ISO8601", errors="coerce").astype("datetime64[ns]")
    return result


def to_flag(values: pd.Series) -> pd.Series:
    """Nullable booleans from true/false, yes/no, 1/0 cells."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean")
    text = values.astype("str").where(values.notna()).str.strip().str.lower()
    flag = pd.Series(pd.NA, index=values.index, dtype="boolean")
    flag[text.isin(TRUE_WORDS)] = True
    flag[text.isin(FALSE_WORDS)] = False
    return flag


def clean_text(values: pd.Series) -> pd.Series:
    """Stripped text with empty cells as missing."""
    text = values.astype("str").where(values.notna()).str.strip()
    return text.where(text != "")


def hash_keys(values: pd.Series, salt: str) -> pd.Series:
    """'c_' + 16 hex digits of a keyed 64-bit hash (SipHash via pandas; `salt` is the 16-byte key).

    Hashes the distinct values only and formats their hex digits in one binascii call, so a million
    emails cost a fraction of a second. The raw value never leaves this function.
    """
    codes, uniques = factorize(values)
    if len(uniques) == 0:
        return pd.Series(np.nan, index=values.index, dtype="str")
    key = (salt * 16)[:16]
    hashed = pd.util.hash_pandas_object(pd.Series(uniques), index=False, hash_key=key).to_numpy(dtype=np.uint64)
    hex_digits = np.frombuffer(binascii.hexlify(hashed.astype(">u8").tobytes()), dtype=np.uint8)  # most significant first
    # The labels are fixed-width ASCII, so they are laid out as one Arrow string buffer
    # directly rather than built as a million Python strings.
    label_bytes = np.empty((len(hashed), _KEY_WIDTH), dtype=np.uint8)
    label_bytes[:, :2] = np.frombuffer(b"c_", dtype=np.uint8)
    label_bytes[:, 2:] = hex_digits.reshape(-1, 16)
    offsets = np.arange(0, _KEY_WIDTH * (len(hashed) + 1), _KEY_WIDTH, dtype=np.int64)
    labels = pa.LargeStringArray.from_buffers(len(hashed), pa.py_buffer(offsets), pa.py_buffer(label_bytes))
    per_row = pc.take(labels, pa.array(codes, mask=codes < 0))
    return pd.Series(pd.arrays.ArrowStringArray(per_row, dtype=pd.StringDtype("pyarrow", na_value=np.nan)), index=values.index)
