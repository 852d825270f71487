"""Chapter 1 style summary points and uncertainty statements, written from the key figures.

Only the choices live here (which age groups are largest, singular or plural,
how to round a duration to years); the sentences themselves are in
``templates/summary.md.j2`` so they can be reworded without touching code.

A figure suppressed by disclosure control is printed as ``[c]`` (a share as
``[c]``, never ``[c]%``), and the summary then says what ``[c]`` means.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING

from .presentation import SUPPRESSED, SYMBOLS, is_suppressed, shows_suppressed
from .survival import weeks_of_rows as survival_weeks_of

if TYPE_CHECKING:
    from .settings import AgeBand, Settings

TEMPLATES = resources.files("lcspr_stats") / "templates"

# What the Panel's guidance and the statute expect (published facts, not settings): the
# summary credits them only these numbers and calls any other threshold the config's.
PANEL_RR_WORKING_DAYS = 15
STATUTORY_LCSPR_WEEKS = 26


def number(value: float | int | str | None) -> str:
    """A figure as printed: whole numbers without a decimal point (58.0 -> "58"), or ``[c]``."""
    if value is None:
        return "not known"
    if is_suppressed(value):
        return SUPPRESSED
    value = float(value)
    return f"{int(value)}" if value.is_integer() else f"{value:g}"


def percentage_1dp(share: float | str | None) -> str | None:
    """A share 0-1 as a percentage to one decimal place (``0.963`` -> ``"96.3%"``)."""
    if share is None:
        return None
    if is_suppressed(share):
        return SUPPRESSED
    return f"{100 * float(share):.1f}%"


def _scr_context(kf: dict, alpha: float) -> dict:
    """The two-sample comparison with the SCR period, for the summary."""
    comparison = kf.get("scr_comparison") or {}
    tests = comparison.get("tests") or {}
    differences = comparison.get("differences") or {}
    reference = next((v.get("reference") for v in tests.values()), None)
    return {
        "reference": reference,
        "age": _two_sample(tests.get("age_band"), alpha),
        "trend": _two_sample(tests.get("age_band_trend"), alpha),
        "harm": _two_sample(tests.get("death_serious_harm"), alpha),
        "death": _difference(differences.get("death_share: Death")),
    }


def percentage(value: float | int | str | None) -> str:
    """A percentage as printed: ``"39%"``, or ``[c]`` where it is suppressed."""
    text = number(value)
    return text if text in (SUPPRESSED, "not known") else f"{text}%"


def plural(n: int | str, singular: str, plural_form: str | None = None) -> str:
    """``"1 death"``, ``"33 deaths"``, ``"[c] deaths"``."""
    return f"{number(n)} {singular if n == 1 else (plural_form or singular + 's')}"


def over_years(weeks: float) -> str | None:
    """A duration in weeks as "over N years" (to the half year below); None under a year.

    >>> over_years(145), over_years(104), over_years(40)
    ('over 2.5 years', 'over 1.5 years', None)
    """
    years = float(weeks) * 7 / 365.25
    if years < 1:
        return None
    halves = math.floor(years * 2) / 2
    text = f"{halves:g} year{'s' if halves != 1 else ''}"
    return f"over {text}" if years > halves else text


def age_group_description(band: AgeBand) -> str:
    """How the text names an age band: "infants aged under 1", "16-17 year-olds"."""
    low, high = band.min, band.max
    if high == 0:
        return "infants aged under 1"
    if low == high:
        return f"{low} year-olds"
    return f"{low}-{high} year-olds"


def largest_age_groups(key_figures: dict, age_bands: Sequence[AgeBand], k: int = 2) -> list[dict]:
    """The ``k`` largest age bands of index children (ties keep the band order).

    Bands whose count is suppressed (``[c]``) are not ranked: the text then
    speaks of the largest of the groups not suppressed.
    """
    counts = key_figures.get("age_band_counts", {})
    pcts = key_figures.get("age_band_pcts", {})
    bands = [
        b
        for b in age_bands
        if not is_suppressed(counts.get(b.label, 0)) and counts.get(b.label, 0) > 0
    ]
    ranked = sorted(bands, key=lambda b: -counts[b.label])[:k]
    out = []
    for band in ranked:
        description = age_group_description(band)
        out.append(
            {
                "label": band.label,
                "description": description,
                "sentence_start": description[:1].upper() + description[1:],
                "n": counts[band.label],
                "pct": percentage(pcts.get(band.label)),
                "ci_text": interval((key_figures.get("age_band_pct_ci") or {}).get(band.label)),
            }
        )
    return out


def interval(bounds: dict | None, unit: str = "%") -> str:
    """``"29.5% to 50.0%"`` (or ``"47 to 86"`` weeks); ``[c]`` where suppressed."""
    if not bounds:
        return "not available"
    if any(is_suppressed(v) for v in bounds.values()):
        return SUPPRESSED
    if unit == "%":
        return f"{bounds['lower']:.1f}% to {bounds['upper']:.1f}%"
    return f"{number(bounds['lower'])} to {number(bounds['upper'])}"


def _test(result: dict | None, alpha: float, minimum: float) -> dict | None:
    if not result:
        return None
    p = result["p_value"]
    # A test of suppressed counts is withheld with them: it could reveal them.
    withheld = any(is_suppressed(v) for v in result.values())
    smallest = result.get("min_expected")
    return {
        **result,
        "suppressed": withheld,
        "p_text": "" if withheld else ("p < 0.001" if p < 0.001 else f"p = {p:.3f}"),
        "unlikely_chance": not withheld and p < alpha,
        "df_text": plural(result["df"], "degree of freedom", "degrees of freedom"),
        "statistic_text": "" if withheld else f"{result['chi_square']:.2f}",
        "minimum": f"{minimum:g}",
        "smallest_text": number(smallest) if is_suppressed(smallest) else f"{smallest:.1f}",
        "resamples_text": f"{result.get('monte_carlo_resamples', 0):,}",
    }


def _two_sample(result: dict | None, alpha: float) -> dict | None:
    """A two-sample test of the comparison, worded for readers."""
    if not result:
        return None
    withheld = any(is_suppressed(v) for v in result.values())
    p = result["p_value"]
    return {
        **result,
        "suppressed": withheld,
        "p_text": "" if withheld else ("p < 0.001" if p < 0.001 else f"p = {p:.3f}"),
        "statistic_text": "" if withheld else f"{result['chi_square']:.2f}",
        "df_text": plural(result["df"], "degree of freedom", "degrees of freedom"),
        "evidence": not withheld and p < alpha,
    }


def _difference(result: dict | None) -> dict | None:
    """A difference in percentage points with its interval, worded for readers."""
    if not result:
        return None
    if any(is_suppressed(v) for v in result.values()):
        return {"suppressed": True}
    return {
        **result,
        "suppressed": False,
        "text": f"{result['difference_pp']:+.1f} percentage points",
        "ci_text": f"{result['ci_lower']:+.1f} to {result['ci_upper']:+.1f}",
        "evidence": not (result["ci_lower"] <= 0 <= result["ci_upper"]),
    }


def _base(weeks: dict) -> dict:
    """How a duration's base is said: with both dates, excluded by name, leaving n."""
    both, excluded = weeks.get("n_with_both_dates"), weeks.get("excluded_by_name") or 0
    n = weeks.get("n", 0)
    if both is None or not excluded:
        return {"text": f"Of the {plural(n, 'LCSPR')}", "excluded": "", "n": n}
    verb = "is" if excluded == 1 else "are"
    return {
        "text": f"Of the {plural(both, 'LCSPR')}",
        "excluded": f"{number(excluded)} {verb} excluded by name (reasons in the note under "
        f"Table 3), leaving {number(n)}",
        "n": n,
    }


def summary_context(key_figures: dict, settings: Settings) -> dict:
    """Everything the summary template needs, computed from the key figures.

    Parameters
    ----------
    key_figures : dict
        ``key_figures.json`` of the run.
    settings : Settings
        The run's settings (age bands, release notice, uncertainty).

    Returns
    -------
    dict
        Template context: the figures, already chosen and formatted.
    """
    kf = key_figures
    ci = settings.uncertainty
    alpha = 1 - ci.confidence_level
    r2l = kf.get("rr_to_lcspr_weeks") or {}
    i2r = kf.get("incident_to_rr_weeks") or {}
    tests = kf.get("goodness_of_fit") or {}
    longest = r2l.get("max")
    context = {
        "year": kf["cohort_year"],
        "notice": settings.release.data_notice,
        "n_lcsprs": kf["n_lcsprs"],
        "lcsprs": plural(kf["n_lcsprs"], "LCSPR"),
        "deaths": plural(kf["n_deaths"], "death"),
        "pct_deaths": percentage(kf["pct_deaths"]),
        "harm": plural(kf["n_serious_harm"], "case", "cases") + " of serious harm",
        "pct_serious_harm": percentage(kf["pct_serious_harm"]),
        "age_groups": largest_age_groups(kf, settings.codebook.age_bands),
        # Some age groups suppressed: the largest are of those shown.
        "age_groups_partial": any(
            is_suppressed(v) for v in (kf.get("age_band_counts") or {}).values()
        ),
        "r2l": {
            "n": r2l.get("n", 0),
            "lcsprs": plural(r2l.get("n", 0), "LCSPR"),
            "median": number(r2l.get("median")),
            "max": number(r2l.get("max")),
            "max_years": None if longest is None or is_suppressed(longest) else over_years(longest),
            "ci": interval(kf.get("rr_to_lcspr_weeks_median_ci"), "weeks"),
        },
        "i2r": {
            "n": i2r.get("n", 0),
            "lcsprs": plural(i2r.get("n", 0), "LCSPR"),
            "median": number(i2r.get("median")),
            "ci": interval(kf.get("incident_to_rr_weeks_median_ci"), "weeks"),
        },
        "expected_weeks": number(kf["lcspr_expected_weeks"]),
        "expected_working_days": kf["rr_expected_working_days"],
        # The published expectations, said as such only when the config uses them.
        "panel_working_days": PANEL_RR_WORKING_DAYS,
        "statutory_weeks": STATUTORY_LCSPR_WEEKS,
        "working_days_are_panels": kf["rr_expected_working_days"] == PANEL_RR_WORKING_DAYS,
        "weeks_are_statutory": kf["lcspr_expected_weeks"] == STATUTORY_LCSPR_WEEKS,
        "clock_start": (kf.get("n_rr_within_15_working_days_threshold") or {}).get(
            "counted_from", "incident"
        ),
        "i2r_base": _base({**i2r, **(kf.get("incident_to_rr_weeks_bases") or {})}),
        "r2l_base": _base({**r2l, **(kf.get("rr_to_lcspr_weeks_bases") or {})}),
        "n_rr_timed": kf.get("n_rr_timed_working_days", i2r.get("n", 0)),
        "n_lcspr_timed": kf.get("n_lcspr_timed_days", r2l.get("n", 0)),
        "n_within_26": kf.get("n_lcspr_within_26_weeks"),
        "pct_within_26": percentage(kf.get("pct_lcspr_within_26_weeks")),
        "n_within_15": kf.get("n_rr_within_15_working_days"),
        "pct_within_15": percentage(kf.get("pct_rr_within_15_working_days")),
        "n_subsample": kf.get("n_subsample", 0),
        "n_race_subsample": kf.get("n_race_subsample", 0),
        "subsample_cases": plural(kf.get("n_subsample", 0), "case"),
        "race_subsample_cases": plural(kf.get("n_race_subsample", 0), "case"),
        "level": f"{100 * ci.confidence_level:g}%",
        "ci": {
            "deaths": interval(kf.get("pct_deaths_ci")),
            "harm": interval(kf.get("pct_serious_harm_ci")),
            "within_26": interval(kf.get("pct_lcspr_within_26_weeks_ci")),
            "within_15": interval(kf.get("pct_rr_within_15_working_days_ci")),
            "published": interval(kf.get("pct_published_ci")),
        },
        "pct_published": percentage(kf.get("pct_published")),
        "bootstrap_resamples": f"{(kf.get('uncertainty') or {}).get('bootstrap_resamples', 0):,}",
        "median_method": (kf.get("uncertainty") or {}).get("median_interval_method", ""),
        "coverage": {
            measure: percentage_1dp((kf.get(f"{measure}_median_ci") or {}).get("coverage"))
            for measure in ("incident_to_rr_weeks", "rr_to_lcspr_weeks")
        },
        "scr": _scr_context(kf, alpha),
        "seed": (kf.get("uncertainty") or {}).get("seed"),
        "age_test": _test(tests.get("age_band"), alpha, ci.min_expected_count),
        "harm_test": _test(tests.get("death_serious_harm"), alpha, ci.min_expected_count),
    }
    context.update(pipeline_context(kf))
    # What [c] means, said once wherever the summary shows one.
    context["suppressed"] = SYMBOLS[SUPPRESSED] if shows_suppressed(context) else ""
    return context


@functools.cache
def _environment():
    # One environment a process: it keeps the compiled template, which the
    # summary and the report's sections (two renders a run) then share.
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def summary_sections(context: dict) -> list[tuple[str, list[str]]]:
    """The summary as (heading, bullet points) sections, rendered from the template.

    The template writes one bullet a line (``- ...``) under ``## `` headings;
    this reads them back so the HTML report shows exactly the same sentences.
    """
    sections: list[tuple[str, list[str]]] = []
    for line in render_summary(context).splitlines():
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif line.startswith("- ") and sections:
            sections[-1][1].append(line[2:].strip())
    return sections


def render_summary(context: dict) -> str:
    """The summary as Markdown."""
    text = _environment().get_template("summary.md.j2").render(**context)
    # One blank line at most between blocks, and one newline at the end.
    lines, blank = [], False
    for line in text.splitlines():
        if not line.strip():
            if not blank and lines:
                lines.append("")
            blank = True
            continue
        lines.append(line.rstrip())
        blank = False
    return "\n".join(lines).strip() + "\n"


def pipeline_context(key_figures: dict) -> dict:
    """The review pipeline and the Kaplan-Meier time to LCSPR, formatted for the template.

    Returns
    -------
    dict
        ``pipeline`` and ``km`` (each None when the key figures have none or
        the register could not give them).
    """
    import datetime as dt

    flow = key_figures.get("lcspr_pipeline") or {}
    km = key_figures.get("lcspr_time_to_completion") or {}
    as_at = flow.get("as_at_date")
    words = ""
    if as_at:
        day = dt.date.fromisoformat(as_at)
        words = f"{day.day} {day:%B %Y}"
    pipeline = None
    if flow.get("available"):
        years = flow.get("completed_by_year_counts") or {}
        pipeline = {
            "as_at": words,
            "initiated": number(flow["n_initiated"]),
            "completed": number(flow["n_completed"]),
            "pct_completed": percentage(flow["pct_completed"]),
            "by_year": " and ".join(f"{number(n)} in {y}" for y, n in years.items())
            or "none in any year",
            "published": number(flow["n_published"]),
            "not_published": number(flow["n_not_to_be_published"]),
            "awaiting": number(flow["n_awaiting"]),
            "in_progress": number(flow["n_in_progress"]),
        }
    survival = None
    if km.get("available"):
        bounds = km.get("median_weeks_ci") or {}

        def weeks(value: object) -> str:
            if value is None:
                return "not reached"
            return SUPPRESSED if is_suppressed(value) else f"{float(value):.1f}"

        def share(w: int) -> str:
            value = km.get(f"pct_within_{w}_weeks")
            ci = km.get(f"pct_within_{w}_weeks_ci") or {}
            if value is None or is_suppressed(value):
                return number(value) if value is not None else "not known"
            return (
                f"{value:g}% (95% interval {weeks(ci.get('lower'))}% to {weeks(ci.get('upper'))}%)"
            )

        survival = {
            "n": number(km["n"]),
            "open": number(km["n_censored"]),
            "reached": bool(km.get("median_reached")) and not is_suppressed(km["median_weeks"]),
            "median": weeks(km.get("median_weeks")),
            "lower": weeks(bounds.get("lower")),
            "upper": weeks(bounds.get("upper")),
            "completed_median": number(km.get("completed_only_median_weeks")),
            # The shares at the weeks the table reports (the requirement, then 52).
            "shares": [(w, share(w)) for w in survival_weeks_of(km, r"pct_within_(\d+)_weeks")],
            "as_at": words,
        }
    return {"pipeline": pipeline, "km": survival}
