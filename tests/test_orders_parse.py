"""Parsers of export cells: the ISO date fast path gives exactly what pandas gives; customer keys are pinned."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.orders.parse import hash_keys, to_datetime

ODD_CELLS = [
    "2023-01-05", "2023-01-05 10:11", "2023-01-05T10:11:12", "2023-1-5", "2023-01-05 10", "20230105x",
    "2023-01-05 10:11:12.5", None, "", "not a date", " 2023-03-04 05:06:07 -0500", "2023-03-04T05:06:07Z",
    "2023-02-30 10:00:00", "2023-13-01 00:00:00", "0000-00-00 00:00:00",
]  # fmt: skip


def pandas_reference(values: pd.Series) -> pd.Series:
    """What to_datetime did before the fast path: pandas' ISO8601 parser on the first 19 characters."""
    text = values.astype("str").where(values.notna()).str.strip()
    return pd.to_datetime(text.str.slice(0, 19), format="ISO8601", errors="coerce").astype("datetime64[ns]")


timestamps = st.datetimes(min_value=pd.Timestamp("1990-01-01").to_pydatetime(), max_value=pd.Timestamp("2035-12-31").to_pydatetime())
iso_cells = st.one_of(
    timestamps.map(lambda t: t.strftime("%Y-%m-%d %H:%M:%S -0500")),
    timestamps.map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")),
    timestamps.map(lambda t: t.strftime("%Y-%m-%d")),
)


@settings(max_examples=60, deadline=None)
@given(plain=st.lists(iso_cells, min_size=20, max_size=60), odd=st.lists(st.sampled_from(ODD_CELLS), max_size=2))
def test_iso_fast_path_matches_pandas(plain, odd):
    values = pd.Series(plain + odd, dtype="str")
    assert to_datetime(values).equals(pandas_reference(values))


def test_odd_cells_among_plain_ones_parse_as_pandas_reads_them():
    plain = [f"2024-0{1 + i % 9}-1{i % 10} 0{i % 10}:1{i % 6}:2{i % 9} +0100" for i in range(100)]
    for odd in ODD_CELLS:
        values = pd.Series([*plain, odd], dtype="str")
        assert to_datetime(values).equals(pandas_reference(values)), odd


def test_hash_keys_are_the_salted_siphash_in_hex_and_keep_row_order():
    """The key is 'c_' + the 16 hex digits of pandas' keyed hash, the same for the same value."""
    salt = "ltv-optimizer/v1"
    values = pd.Series(["b@x.com", None, "a@x.com", "b@x.com", "é@x.com"], dtype="str")
    keys = hash_keys(values, salt)
    distinct = pd.Series(["b@x.com", "a@x.com", "é@x.com"])
    hashed = pd.util.hash_pandas_object(distinct, index=False, hash_key=(salt * 16)[:16])
    expected = dict(zip(distinct, (f"c_{int(h):016x}" for h in hashed)))
    assert keys.isna().tolist() == [False, True, False, False, False]
    assert keys.dropna().tolist() == [expected[v] for v in values.dropna()]
    assert keys[0] == keys[3] != keys[2]
