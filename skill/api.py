"""The one facade the MCP server and the CLI call: input checks, then the pipeline.

Adapters stay thin (argument parsing and protocol only) and every entry point
shares the same limits and error messages. Heavy dependencies (pandas, the CLV
models) belong to the order-export entry points and are imported inside them,
so the notes path and the server's cold start never pay for them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from heuristics import lever_detail
from skill.clv.results import ModelName
from skill.normalize import normalize_notes
from skill.plan import build_plan
from skill.reading_check import FLAG_PREFIX, check_reading
from skill.render import render_markdown
from skill.schema import LEVER_IDS, Constraints, NormalizedInput, PlanResult

if TYPE_CHECKING:  # the order path's types; imported lazily at run time
    from skill.clv.predict import CLVScores
    from skill.clv.results import CLVPrediction, HoldoutReport
    from skill.orders import OrdersResult

# Segment notes run to a few thousand characters; 50,000 (about 12k tokens) leaves
# room for a pasted strategy doc while keeping a request's work and the echoed
# evidence bounded. Raw order rows do not belong in notes at all.
MAX_NOTES_CHARS = 50_000

# How many validation problems an error message spells out before summarising the rest.
_MAX_LISTED_ERRORS = 8


class InputError(ValueError):
    """Bad input the caller can fix; the message says what is wrong and what to do."""


def normalize(notes: str) -> NormalizedInput:
    """Read pasted segment notes into facts, after checking they are usable text."""
    return normalize_notes(_checked_notes(notes))


def _checked_notes(notes: Any) -> str:
    if not isinstance(notes, str):
        raise InputError(f"notes must be text, got {type(notes).__name__}.")
    if not notes.strip():
        raise InputError(
            "The notes are empty. Paste what you know about your customer segments: names, "
            "share of customers or revenue, AOV, repeat rate, margin, return rate, discount "
            "share, and any constraints (discount cap, channels you cannot use)."
        )
    if len(notes) > MAX_NOTES_CHARS:
        raise InputError(
            f"The notes are {len(notes):,} characters; the limit is {MAX_NOTES_CHARS:,}. "
            "Trim them to the segment summaries and their key numbers: drop raw order rows, "
            "per-customer lists, email threads and boilerplate (an order export is read by "
            "the order tools, not as notes)."
        )
    return notes


def validate_input(data: Any) -> NormalizedInput:
    """Turn a caller-edited normalization (dict or model) into a NormalizedInput.

    Pydantic's own message repeats every rejected value and a docs link per error;
    callers need the field path and the reason, so the errors are summarised.
    """
    if isinstance(data, NormalizedInput):
        return data
    if not isinstance(data, dict):
        raise InputError(
            f"input must be a JSON object shaped like normalize_notes' result, got {type(data).__name__}."
        )
    try:
        return NormalizedInput.model_validate(data)
    except ValidationError as exc:
        raise InputError(summarise_validation_error(exc, "input")) from exc


def summarise_validation_error(exc: ValidationError, what: str) -> str:
    """One line per problem as `path: reason`, capped so a badly wrong object stays readable."""
    errors = exc.errors(include_url=False, include_input=False)
    lines = [f"- {_error_path(err['loc'])}: {err['msg']}" for err in errors[:_MAX_LISTED_ERRORS]]
    if len(errors) > _MAX_LISTED_ERRORS:
        lines.append(f"- ... and {len(errors) - _MAX_LISTED_ERRORS} more")
    noun = "problem" if len(errors) == 1 else "problems"
    return f"{what} has {len(errors)} {noun}; fix these fields and retry:\n" + "\n".join(lines)


def _error_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def plan_from_input(inp: NormalizedInput, notes: str | None = None) -> PlanResult:
    """Score, plan and render from facts already normalized (or corrected by the caller).

    With `notes` (the text the reading came from), every number in `inp` is checked against
    them first: the plan still uses the caller's reading, but each number the notes do not
    support is named in `input.warnings` and in the plan's assumptions.
    """
    flags: list[str] = []
    if notes is not None:
        inp, flags = checked_reading(inp, notes)
    plan = build_plan(inp)
    if flags:
        plan = plan.model_copy(update={"assumptions": [*plan.assumptions, *flags]})
    return PlanResult(markdown=render_markdown(plan, inp), plan=plan, input=inp)


def checked_reading(inp: NormalizedInput, notes: str) -> tuple[NormalizedInput, list[str]]:
    """`inp` with a warning for each of its numbers the notes do not support, and those warnings.

    Warnings from an earlier check are dropped first, so a reading passed back with the same
    notes carries each flag once, and a corrected number loses its flag.
    """
    flags = check_reading(inp, _checked_notes(notes))
    kept = [warning for warning in inp.warnings if not warning.startswith(FLAG_PREFIX)]
    if flags or len(kept) != len(inp.warnings):
        inp = inp.model_copy(update={"warnings": [*kept, *flags]})
    return inp, flags


def plan_from_notes(notes: str) -> PlanResult:
    """The whole notes path: check, normalize, plan, render."""
    return plan_from_input(normalize(notes))


def explain_lever(lever_id: str) -> dict[str, Any]:
    """A lever's rule table and plays, or an InputError naming the valid ids."""
    if lever_id not in LEVER_IDS:
        raise InputError(f"Unknown lever {lever_id!r}. Valid lever ids: {', '.join(LEVER_IDS)}.")
    return lever_detail(lever_id)


def lever_catalogue() -> dict[str, dict[str, Any]]:
    """Every lever's detail keyed by id, in the schema's order."""
    return {lever_id: lever_detail(lever_id) for lever_id in LEVER_IDS}


# ---------------------------------------------------------------- order exports
# pandas and the models load on first use so the notes path and server start stay light.

ProgressCallback = Callable[[float, str], None]

# A chat client reads pages, not tables: the largest page of customers or at-risk rows one call returns.
MAX_PAGE_ROWS = 500


def analyze_export(
    path: str | None = None,
    csv_text: str | None = None,
    *,
    mapping: dict[str, str] | None = None,
    as_of: date | None = None,
    currency: str | None = None,
    fx_rates: dict[str, float] | None = None,
    cac_by_channel: dict[str, float] | None = None,
    customer_summary: bool = False,
    allowed_roots: list[Path] | None = None,
    progress: ProgressCallback | None = None,
) -> OrdersResult:
    """Load, clean and analyse one export given as a file path or inline CSV text.

    `customer_summary` says the input is already one row per customer (the output of
    skill/sql/customer_summary.sql run in the shop's warehouse), not order lines.
    `allowed_roots` confines `path` (the server passes its roots; the CLI, run by the
    operator on their own files, passes None).
    """
    from skill.orders import OrdersInputError, analyze_orders_full
    from skill.paths import (
        MAX_CSV_TEXT_CHARS,
        PathNotAllowedError,
        resolve_allowed_path,
    )

    if (path is None) == (csv_text is None):
        raise InputError("Give exactly one of `path` (an export file) or `csv_text` (the CSV pasted inline).")
    if csv_text is not None and len(csv_text) > MAX_CSV_TEXT_CHARS:
        raise InputError(
            f"csv_text is {len(csv_text):,} characters; the inline limit is {MAX_CSV_TEXT_CHARS:,}. "
            "Save the export to a file under an allowed directory and pass `path` instead."
        )
    try:
        source = None
        if path is not None:
            source = resolve_allowed_path(path, allowed_roots) if allowed_roots is not None else _existing_file(path)
        if customer_summary:
            return _analyze_summary(source, csv_text, as_of=as_of, currency=currency, cac_by_channel=cac_by_channel)
        return analyze_orders_full(
            source, csv_text, mapping=mapping, as_of=as_of, currency=currency, fx_rates=fx_rates,
            cac_by_channel=cac_by_channel, progress=progress,
        )
    except (OrdersInputError, PathNotAllowedError) as exc:
        raise InputError(str(exc)) from exc


def _analyze_summary(
    source: Path | None, csv_text: str | None, *, as_of: date | None, currency: str | None,
    cac_by_channel: dict[str, float] | None,
) -> OrdersResult:
    """A per-customer table (file or inline CSV) -> the same analysis the order path gives."""
    import io

    import pandas as pd

    from skill.orders import OrdersInputError, analyze_customer_summary

    table: Path | pd.DataFrame | None = source
    if table is None:
        try:
            table = pd.read_csv(io.StringIO(csv_text or ""), dtype={"customer_id": "str"})
        except ValueError as exc:
            raise OrdersInputError(f"csv_text is not a readable CSV customer summary ({exc})") from exc
    return analyze_customer_summary(table, currency=currency, as_of=as_of, cac_by_channel=cac_by_channel)


def _existing_file(path: str) -> Path:
    resolved = Path(path).expanduser()
    if not resolved.is_file():
        raise InputError(f"{path}: no such file")
    return resolved


class PredictOptions(BaseModel):
    """How to predict CLV from an export; the ranges are checked once here for every adapter."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model: ModelName = "bgnbd"
    horizon_days: int = Field(default=365, ge=7, le=3650)
    discount_rate_monthly: float = Field(default=0.01, ge=0, lt=1)
    margin_pct: float | None = Field(default=None, gt=0, le=100, description="Default: measured margin, else revenue")
    at_risk_offset: int = Field(default=0, ge=0)
    at_risk_limit: int = Field(default=20, ge=1, le=MAX_PAGE_ROWS)


def predict_options(**values: Any) -> PredictOptions:
    """PredictOptions from loose adapter arguments, with one readable error for bad ranges."""
    try:
        return PredictOptions(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        raise InputError(summarise_validation_error(exc, "the prediction request")) from exc


def score_export(result: OrdersResult, options: PredictOptions | None = None) -> CLVScores:
    """Fit the purchase and spend models on the export's customers and score each one.

    Fits run in weeks (the unit of the published CDNOW fits); the margin defaults to
    the measured gross margin when the export carried costs, else value is revenue.
    """
    from skill.clv import CLVModelError
    from skill.clv.predict import score_customers
    from skill.orders import summary_in_weeks
    from skill.orders.segments import GROUP_TITLE

    options = options or PredictOptions()
    margin_pct = options.margin_pct
    if margin_pct is None and result.analysis.summary.margin_basis.startswith("measured"):
        margin_pct = result.analysis.summary.gross_margin_pct
    segment_of = result.customers.set_index("customer_id")["rfm_group"].map(GROUP_TITLE)
    try:
        return score_customers(
            summary_in_weeks(result.lifetimes),
            model=options.model,
            horizon_days=options.horizon_days,
            discount_rate_monthly=options.discount_rate_monthly,
            margin_pct=margin_pct,
            time_unit_days=7,
            segment_of=segment_of,
            at_risk_offset=options.at_risk_offset,
            at_risk_limit=options.at_risk_limit,
        )
    except CLVModelError as exc:
        raise InputError(f"Predictive CLV could not be fitted: {exc}") from exc


def validate_export(
    result: OrdersResult,
    calibration_end: date,
    holdout_end: date | None = None,
    *,
    model: ModelName = "bgnbd",
) -> HoldoutReport:
    """Holdout check: fit on orders up to calibration_end, predict the rest, compare with a run-rate baseline."""
    from skill.clv import CLVModelError
    from skill.clv.validation import validate_clv

    transactions = result.transactions
    if transactions is None:
        raise InputError("Holdout validation needs order dates; a per-customer summary has none.")
    try:
        return validate_clv(transactions, calibration_end, holdout_end, model=model, time_unit_days=7)
    except CLVModelError as exc:
        raise InputError(f"Holdout validation failed: {exc}") from exc


def predict_from_export(
    path: str | None = None,
    csv_text: str | None = None,
    *,
    options: PredictOptions | None = None,
    allowed_roots: list[Path] | None = None,
    progress: ProgressCallback | None = None,
    **analysis_options: Any,
) -> CLVPrediction:
    """Export -> fitted purchase and spend models -> predicted CLV per segment and a page of at-risk customers."""
    result = analyze_export(path, csv_text, allowed_roots=allowed_roots, progress=progress, **analysis_options)
    return score_export(result, options).prediction


def validate_from_export(
    path: str | None = None,
    csv_text: str | None = None,
    *,
    calibration_end: date,
    holdout_end: date | None = None,
    model: ModelName = "bgnbd",
    allowed_roots: list[Path] | None = None,
    progress: ProgressCallback | None = None,
    **analysis_options: Any,
) -> HoldoutReport:
    """Export -> holdout report: does the model beat a run-rate baseline on this shop's own data?"""
    result = analyze_export(path, csv_text, allowed_roots=allowed_roots, progress=progress, **analysis_options)
    return validate_export(result, calibration_end, holdout_end, model=model)


def with_predicted_clv(inp: NormalizedInput, scores: CLVScores) -> NormalizedInput:
    """The measured input with each segment's predicted CLV, interval and value at risk attached."""
    by_name = {p.segment: p for p in scores.prediction.segments}
    segments = []
    for seg in inp.segments:
        predicted = by_name.get(seg.name)
        if predicted is None:
            segments.append(seg)
            continue
        clv = predicted.to_segment_clv(scores.prediction.horizon_days, scores.prediction.model)
        if seg.clv is not None:
            clv = clv.model_copy(update={"historical_clv": seg.clv.historical_clv})
        segments.append(seg.model_copy(update={"clv": clv}))
    return inp.model_copy(update={"segments": segments, "warnings": [*inp.warnings, *scores.prediction.warnings]})


def plan_from_export(
    path: str | None = None,
    csv_text: str | None = None,
    *,
    predict: bool = True,
    options: PredictOptions | None = None,
    constraints: Constraints | None = None,
    allowed_roots: list[Path] | None = None,
    progress: ProgressCallback | None = None,
    **analysis_options: Any,
) -> PlanResult:
    """Export -> measured segments (+ predicted CLV and value at risk) -> the same plan as notes get.

    A model that cannot be fitted (e.g. every customer bought once) leaves the plan on
    measured facts alone and says so in the warnings, rather than failing the plan.
    """
    result = analyze_export(path, csv_text, allowed_roots=allowed_roots, progress=progress, **analysis_options)
    inp = export_input(result, constraints=constraints)
    if predict:
        inp = with_predicted_clv_or_warning(inp, result, options)
    return plan_from_input(inp)


def export_input(result: OrdersResult, *, constraints: Constraints | None = None) -> NormalizedInput:
    """The plan input measured from an export, with the operator's constraints (an export carries none)."""
    from skill.orders import orders_to_input

    inp = orders_to_input(result.analysis)
    if constraints is None:
        return inp
    warnings = [w for w in inp.warnings if not w.startswith("Order data carries no constraints")]
    return inp.model_copy(update={"constraints": constraints, "warnings": warnings})


def with_predicted_clv_or_warning(
    inp: NormalizedInput, result: OrdersResult, options: PredictOptions | None = None
) -> NormalizedInput:
    """Attach predicted CLV when the models fit; otherwise keep the measured input and say why."""
    try:
        return with_predicted_clv(inp, score_export(result, options))
    except InputError as exc:
        return inp.model_copy(update={"warnings": [*inp.warnings, f"{exc}. The plan uses measured history only."]})


class WrittenTable(BaseModel):
    path: str
    rows: int
    columns: list[str]


class CustomerTablePage(BaseModel):
    """A page of the per-customer table: customers appear by hashed or export id only, never email/phone."""

    total: int = Field(description="Customers in the whole table")
    offset: int
    limit: int
    sort_by: str
    columns: list[str]
    rows: list[dict[str, Any]]


def customer_page(
    result: OrdersResult, *, offset: int = 0, limit: int = 50, sort_by: str = "net_revenue"
) -> CustomerTablePage:
    """One page of the per-customer table, largest `sort_by` first (ties by id, so pages are stable)."""
    _check_page(offset, limit)
    table = result.customers
    if sort_by not in table.columns:
        raise InputError(f"Unknown sort column {sort_by!r}; choose one of: {', '.join(map(str, table.columns))}.")
    page = table.sort_values([sort_by, "customer_id"], ascending=[False, True], kind="stable").iloc[offset : offset + limit]
    return CustomerTablePage(
        total=len(table),
        offset=offset,
        limit=limit,
        sort_by=sort_by,
        columns=[str(c) for c in table.columns],
        # pandas' JSON writer turns NaN/NaT into null and timestamps into ISO strings in one pass.
        rows=json.loads(page.to_json(orient="records", date_format="iso")),
    )


def export_customer_table(result: OrdersResult, output_path: str) -> WrittenTable:
    """Write the whole per-customer table to CSV or Parquet (by extension); never overwrites a file."""
    from skill.orders import write_customer_table

    target = Path(output_path).expanduser()
    if target.suffix.lower() not in (".csv", ".parquet"):
        raise InputError(f"{output_path}: name the file .csv or .parquet")
    if target.exists():
        raise InputError(f"{output_path}: already exists; choose a new file name (existing files are never overwritten)")
    if not target.parent.is_dir():
        raise InputError(f"{output_path}: the folder {target.parent} does not exist")
    written = write_customer_table(result.customers, target)
    return WrittenTable(path=str(written), rows=len(result.customers), columns=[str(c) for c in result.customers.columns])


def _check_page(offset: int, limit: int) -> None:
    if offset < 0 or not 1 <= limit <= MAX_PAGE_ROWS:
        raise InputError(f"offset must be >= 0 and limit between 1 and {MAX_PAGE_ROWS}; got offset={offset}, limit={limit}.")
