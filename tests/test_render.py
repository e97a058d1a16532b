"""Markdown rendering: required sections in order, hostile segment names neutralised, byte-stable output."""

from __future__ import annotations

import re

from plan_inputs import dtc_apparel, make_input, segment

from skill.plan import build_plan
from skill.render import md, render_markdown

SECTIONS = [
    "# LTV action plan",
    "## This week",
    "## Segment diagnosis",
    "## Ranked LTV levers",
    "## Action packages",
    "## Roadmap",
    "### Short (0-30 days)",
    "### Medium (30-90 days)",
    "### Long (90+ days)",
    "## Revenue impact",
    "## Margin impact",
    "## Measurement",
    "## Assumptions",
    "## Limits",
    "## Confidence",
    "## Why these ranks",
]

HOSTILE = "Evil | name <script>alert(1)</script>\n# heading `code` *bold* [link](x)"


def render(inp):
    return render_markdown(build_plan(inp), inp)


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def diagnosis_rows(text: str) -> list[str]:
    section = text.split("## Segment diagnosis", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("|")]


def test_every_required_section_appears_in_order():
    text = render(dtc_apparel())
    positions = [text.index("\n" + heading + "\n") if i else text.index(heading) for i, heading in enumerate(SECTIONS)]
    assert positions == sorted(positions)


def test_sections_hold_even_for_an_empty_input():
    text = render(make_input([]))
    for heading in SECTIONS:
        assert heading in text
    assert "All customers" in text


def test_hostile_segment_name_cannot_break_the_table_or_inject_html():
    inp = make_input([
        segment(HOSTILE, "new", customer_count=900, aov=50, repeat_rate_pct=11),
        segment("Plain", "vip", customer_share_pct=10, revenue_share_pct=40),
    ], aov=60)
    text = render(inp)
    rows = diagnosis_rows(text)
    assert len(rows) == 4  # header, rule, two segments
    assert {unescaped_pipes(row) for row in rows} == {8}
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert not any(line.startswith("# heading") for line in text.splitlines())
    assert "`code`" not in text and "\\`code\\`" in text


def test_package_tables_keep_their_column_count_with_a_hostile_name():
    text = render(make_input([segment(HOSTILE, "dormant", customer_count=100, aov=30)]))
    section = text.split("## Action packages", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert rows and {unescaped_pipes(row) for row in rows} == {8}
    first = rows[2]
    assert "&lt;script&gt;" in first and "\\# heading" in first


def test_md_filter_escapes_each_special():
    assert md("a|b") == "a\\|b"
    assert md("line1\nline2") == "line1 line2"
    assert md("# title") == "\\# title"
    assert md("<b>&") == "&lt;b&gt;&amp;"
    assert md("`x` *y* _z_ [l]") == "\\`x\\` \\*y\\* \\_z\\_ \\[l\\]"


def test_missing_metrics_show_a_dash():
    text = render(make_input([segment("Sparse", "new", customer_count=100)]))
    row = next(line for line in diagnosis_rows(text) if line.startswith("| Sparse"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2:6] == ["—", "—", "—", "—"]


def test_the_plan_opens_with_three_moves_for_this_week():
    text = render(dtc_apparel())
    assert text.split("\n\n", 2)[1] == "## This week"
    week = text.split("## This week", 1)[1].split("\n## ", 1)[0]
    moves = [line for line in week.splitlines() if line[:3] in ("1. ", "2. ", "3. ")]
    assert len(moves) == 3
    for move in moves:
        assert "owner:" in move and "Why:" in move and "Expected:" in move and re.search(r"\d", move)
    assert "**Medium.**" in text


def test_rule_lines_sit_in_the_appendix_with_integer_points():
    text = render(dtc_apparel())
    body, appendix = text.split("## Why these ranks", 1)
    assert "+13 'One-time buyers' repeat rate 12% is below the 15% weak threshold (benchmark 20-35%)" in appendix
    assert "weighted by size" not in text and "subtotal" not in text
    assert not re.search(r"\| \d+\.\d \|", body)  # scores are integers


def test_revenue_and_margin_sections_are_separate():
    text = render(dtc_apparel())
    revenue = text.split("## Revenue impact", 1)[1].split("## Margin impact", 1)[0]
    margin = text.split("## Margin impact", 1)[1].split("## Measurement", 1)[0]
    assert "revenue over 12 months" in revenue and "gross profit" not in revenue
    assert "gross profit" in margin and "revenue over 12 months" not in margin


def test_confidence_section_gives_the_reason():
    text = render(make_input([segment("New", "new")], confidence="low"))
    tail = text.split("## Confidence", 1)[1]
    assert "**Low.** Confidence is low because" in tail


def test_rendering_is_deterministic():
    assert render(dtc_apparel()) == render(dtc_apparel())


def test_a_stated_problem_whose_lever_ranks_low_is_called_out():
    segs = [segment("VIP", "vip", revenue_share_pct=60, customer_share_pct=5, repeat_rate_pct=80),
            segment("Deal hunters", "price_sensitive", customer_share_pct=40, discount_order_share_pct=85,
                    gross_margin_pct=30)]
    inp = make_input(segs, main_tension="returns")
    markdown = render_markdown(build_plan(inp), inp)
    assert "You named returns as the main worry but gave no numbers for it: Return reduction is placed in the top 3" in markdown
    unstated = make_input(segs)
    assert "You named" not in render_markdown(build_plan(unstated), unstated)
