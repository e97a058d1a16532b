"""The CSV reader: streamed (and split in two halves on big files) yet the same frame as pandas reads."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from skill.orders import read
from skill.orders.read import read_table

# Every kind of column the reader infers: text, ints, decimals, booleans, timestamps, blanks, missing-cell spellings.
HEADER = "order,email,qty,price,paid,created,note,empty,flag"


def _export(n_rows: int, *, late_row: str | None = None) -> bytes:
    rows = [
        f"#{i // 3},{'' if i % 3 else f'u{i % 97}@example.com'},{i % 4},{i % 50}.25,{'true' if i % 2 else 'false'},"
        f"2024-01-{1 + i % 28:02d} 10:{i % 60:02d}:00,{['NA', 'n/a', 'gift', ''][i % 4]},,{'x' if i % 5 == 0 else ''}"
        for i in range(n_rows)
    ]
    if late_row is not None:
        rows.append(late_row)
    return (HEADER + "\n" + "\n".join(rows) + "\n").encode()


def _ours(data: bytes) -> pd.DataFrame:
    return read._read_with_arrow(data, ",", "utf-8-sig", HEADER.split(","), None, [])


def _pandas(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), engine="pyarrow")


@pytest.mark.parametrize("split", [False, True])
def test_reads_the_frame_pandas_pyarrow_engine_reads(split, monkeypatch):
    monkeypatch.setattr(read, "PARALLEL_READ_MIN_BYTES", 1 if split else 1 << 40)
    halves = []
    real = read._line_end_near_middle
    monkeypatch.setattr(read, "_line_end_near_middle", lambda data: halves.append(real(data)) or halves[-1])
    data = _export(5000)
    ours, theirs = _ours(data), _pandas(data)
    assert (halves[0] is not None) == split  # the two-halves path ran when asked to
    pd.testing.assert_frame_equal(ours, theirs)
    assert ours["empty"].dtype == np.float64 and ours["email"].dtype == "str"


def test_split_point_lands_after_a_line_end_so_no_row_is_cut(monkeypatch):
    monkeypatch.setattr(read, "PARALLEL_READ_MIN_BYTES", 1)
    data = _export(1001)
    split = read._line_end_near_middle(read.pa.py_buffer(data))
    assert data[split - 1 : split] == b"\n" and split > len(data) // 2
    assert len(_ours(data)) == 1001 and _ours(data)["order"].tolist() == _pandas(data)["order"].tolist()


@pytest.mark.parametrize("split", [False, True])
def test_a_later_block_that_widens_a_type_is_read_whole_and_widened(split, monkeypatch):
    """Ints for a megabyte, then a decimal (and a blank column that fills): the first block's types no longer fit."""
    monkeypatch.setattr(read, "PARALLEL_READ_MIN_BYTES", 1 if split else 1 << 40)
    data = _export(40_000, late_row="#x,late@example.com,2.5,1.25,true,2024-02-01 09:00:00,gift,7,x")
    assert len(data) > 1 << 20  # past the 1 MB first block whose types the streaming reader keeps
    ours = _ours(data)
    pd.testing.assert_frame_equal(ours, _pandas(data))
    assert ours["qty"].dtype == np.float64 and ours["qty"].iloc[-1] == 2.5 and ours["empty"].iloc[-1] == 7


def test_integer_column_with_blanks_beside_a_text_id_column(tmp_path):
    """pandas' pyarrow engine fails on this shape when given a dtype ('cannot convert NA to integer')."""
    path = tmp_path / "export.csv"
    path.write_text("customer,order,qty\n007,#1,2\n008,#2,\n", encoding="utf-8")
    raw = read_table(path, string_columns_for=lambda columns: ["customer"])
    assert raw.frame["customer"].tolist() == ["007", "008"]  # leading zeros kept
    assert raw.frame["qty"].dtype == np.float64 and raw.frame["qty"].isna().tolist() == [False, True]
