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
    real = read._split_point
    monkeypatch.setattr(read, "_split_point", lambda data: halves.append(real(data)) or halves[-1])
    data = _export(5000)
    ours, theirs = _ours(data), _pandas(data)
    assert (halves[0] is not None) == split  # the two-halves path ran when asked to
    pd.testing.assert_frame_equal(ours, theirs)
    assert ours["empty"].dtype == np.float64 and ours["email"].dtype == "str"


def test_split_point_lands_after_a_line_end_so_no_row_is_cut(monkeypatch):
    monkeypatch.setattr(read, "PARALLEL_READ_MIN_BYTES", 1)
    data = _export(1001)
    split = read._split_point(read.pa.py_buffer(data))
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


def _notes_export(n_rows: int, *, late_row: str | None = None) -> bytes:
    """Every row ends in a long quoted note with a line break near its end, as order notes have;
    the text after each break looks like a whole row (id, amount, note), so a row cut there still
    parses, and the first line end after the middle of the file is almost surely inside a note."""
    note = "call before delivery, " * 10
    rows = [f'{i},{i % 100}.5,"{note}\n{i + 1},2.5,side gate"' for i in range(n_rows)]
    if late_row is not None:
        rows.append(late_row)
    return ("id,amount,note\n" + "\n".join(rows) + "\n").encode()


def _first_line_end_after_middle_is_quoted(data: bytes) -> bool:
    end = data.index(b"\n", len(data) // 2)
    return data[:end].count(b'"') % 2 == 1


@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("widened", [False, True])
def test_line_breaks_inside_quoted_cells_never_split_a_row(split, widened, monkeypatch):
    """Across the two halves and across Arrow's 1 MB blocks (also in the whole-file reader that
    re-reads a file whose types widen), rows come out as pandas' C parser reads them."""
    monkeypatch.setattr(read, "PARALLEL_READ_MIN_BYTES", 1 if split else 1 << 40)
    data = _notes_export(20_000, late_row='x,1.5,"late\nnote"' if widened else None)
    assert len(data) > 3 << 20 and _first_line_end_after_middle_is_quoted(data)
    ours = read._read_with_arrow(data, ",", "utf-8-sig", ["id", "amount", "note"], None, [])
    pd.testing.assert_frame_equal(ours, pd.read_csv(io.BytesIO(data), engine="c"))


def test_split_point_is_never_inside_a_quoted_cell(monkeypatch):
    monkeypatch.setattr(read, "PARALLEL_READ_MIN_BYTES", 1)
    data = _notes_export(1000)
    assert _first_line_end_after_middle_is_quoted(data)
    split = read._split_point(read.pa.py_buffer(data))
    assert data[:split].count(b'"') % 2 == 0 and data[split - 1 : split] == b"\n"
