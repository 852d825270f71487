"""Headline figures across cohorts beside the SCR reference periods: one table, one chart.

Trends read each cohort's ``key_figures.json`` as the tables stage wrote it,
so with disclosure control on a cohort's suppressed figures are ``[c]`` here
too (and a share worked out from a suppressed count is ``[c]``); the chart
leaves them out and labels their place ``[c]``.
"""

from __future__ import annotations

import io
import json
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .derive import percent
from .determinism import atomic_write_bytes, atomic_write_text
from .figures import label_suppressed
from .presentation import SUPPRESSED, is_suppressed, number_or_none
from .settings import Settings

if TYPE_CHECKING:
    from .settings import AgeBand

# Fixed so two runs write the same SVG element ids.
SVG_HASH_SALT = "lcspr-stats"
PERIOD_COLUMNS = ["period", "period_label", "source", "note"]


def cohort_period(year: int) -> str:
    """Column name of a cohort in the trends table (``lcspr_2021``)."""
    return f"lcspr_{int(year)}"


def _number(value: object) -> int | float | str | None:
    """A figure as a plain int (or float when not whole); missing stays None, ``[c]`` stays."""
    if is_suppressed(value):
        return SUPPRESSED
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def periods_frame(periods: pd.DataFrame, figures: list[dict]) -> pd.DataFrame:
    """The columns of the trends table: each SCR period, then each cohort, with notes."""
    scr = pd.DataFrame(
        {
            "period": periods["period"],
            "period_label": periods["period_label"],
            "source": "published SCR figures (Tables 4 and 5 of the annual review)",
            "note": periods["note"].fillna("").astype(str),
        }
    )
    cohorts = pd.DataFrame(
        {
            "period": [cohort_period(f["cohort_year"]) for f in figures],
            "period_label": [f"LCSPRs {f['cohort_year']}" for f in figures],
            "source": "this run: LCSPRs submitted in the calendar year",
            "note": "",
        }
    )
    return pd.concat([scr, cohorts], ignore_index=True)[PERIOD_COLUMNS]


def trends_table(
    figures: list[dict],
    scr_ages: pd.DataFrame,
    scr_harm: pd.DataFrame,
    periods: pd.DataFrame,
    settings: Settings,
) -> pd.DataFrame:
    """The headline figures, one row per measure, one column per period.

    SCR columns hold the published figures as printed (so a published
    percentage may differ from its count over N; see ``reference_checks.csv``);
    cohort columns are computed from each cohort's key figures. A figure
    that does not exist for a period (SCR durations, say) is blank; one a
    cohort's disclosure control suppressed is ``[c]``.

    Parameters
    ----------
    figures : list of dict
        Each cohort's ``key_figures.json``, in cohort order.
    scr_ages, scr_harm, periods : pandas.DataFrame
        The SCR reference tables (``data/reference/``).
    settings : Settings
        The run's settings: the codebook's age bands, and ``percent_rounding``
        (of the cohorts' percentages).

    Returns
    -------
    pandas.DataFrame
        Columns ``measure``, ``category``, ``label`` and one per period
        (``scr_2005_07`` ..., ``lcspr_2021`` ...); values are ints, floats,
        ``[c]`` or missing.
    """
    labels = list(settings.codebook.age_band_labels)
    rounding = settings.percent_rounding
    rows: list[dict] = []

    def add(measure: str, category: str, label: str, scr: dict, cohort: list) -> None:
        row = {"measure": measure, "category": category, "label": label}
        for period in periods["period"]:
            row[period] = _number(scr.get(period))
        for f, value in zip(figures, cohort):
            row[cohort_period(f["cohort_year"])] = _number(value)
        rows.append(row)

    def harm(category: str, column: str) -> dict:
        chosen = scr_harm.loc[scr_harm["category"] == category]
        return dict(zip(chosen["period"], chosen[column]))

    def ages(band: str, column: str) -> dict:
        chosen = scr_ages.loc[scr_ages["age_band"] == band]
        return dict(zip(chosen["period"], chosen[column]))

    add(
        "n_reviews",
        "",
        "Reviews (N)",
        harm("Total", "n"),
        [f["n_lcsprs"] for f in figures],
    )
    add("n_children", "", "Children named in the reviews", {}, [f["n_children"] for f in figures])
    add("n_index_children", "", "Index children", {}, [f["n_index_children"] for f in figures])
    for measure, category, label in (
        ("deaths", "Death", "Deaths"),
        ("serious_harm", "Serious harm", "Serious harm"),
    ):
        add(
            f"n_{measure}",
            "",
            f"{label} (N)",
            harm(category, "n"),
            [f[f"n_{measure}"] for f in figures],
        )
        add(
            f"pct_{measure}",
            "",
            f"{label} (% of reviews)",
            harm(category, "pct_published"),
            [f[f"pct_{measure}"] for f in figures],
        )
    scr_known = scr_ages.groupby("period")["n"].sum().to_dict()
    add(
        "n_age_known",
        "",
        "Index children with a known age (N)",
        scr_known,
        [f["n_age_known"] for f in figures],
    )
    for band in labels:
        add(
            "n_age_band",
            band,
            f"Index children aged {band} (N)",
            ages(band, "n"),
            [f["age_band_counts"].get(band, 0) for f in figures],
        )
    for band in labels:
        add(
            "pct_age_band",
            band,
            f"Index children aged {band} (% of known ages)",
            ages(band, "pct_published"),
            [_age_share(f, band, rounding) for f in figures],
        )
    for key, label in (
        ("incident_to_rr_weeks", "Median weeks, incident to rapid review"),
        ("rr_to_lcspr_weeks", "Median weeks, rapid review to LCSPR"),
    ):
        add(f"median_{key}", "", label, {}, [f[key]["median"] for f in figures])
    frame = pd.DataFrame(rows, dtype=object)
    return frame


def _age_share(figures: dict, band: str, rounding: str) -> int | str | None:
    """A cohort's percentage of known ages in a band; ``[c]`` if it or its parts are."""
    count = figures["age_band_counts"].get(band, 0)
    known = figures["n_age_known"]
    shown = (figures.get("age_band_pcts") or {}).get(band)
    if any(is_suppressed(v) for v in (count, known, shown)):
        return SUPPRESSED
    return percent(count, known, rounding)


def shares_to_100(values: Sequence[float]) -> list[float]:
    """Whole-number shares that add up to exactly 100, for one stacked bar.

    Each band's percentage is rounded on its own in the tables, so a period's
    bands add up to 99-101; drawn as a stack, the bar would stop short or
    overshoot. Here the shares are scaled to their sum and rounded by largest
    remainder (the shares with the largest fractional parts round up), which
    keeps the total at 100 and moves no share by more than one point.
    """
    total = sum(values)
    if total <= 0:
        return list(values)
    exact = [v * 100 / total for v in values]
    floors = [int(e) for e in exact]
    order = sorted(range(len(exact)), key=lambda i: (floors[i] - exact[i], i))
    for i in order[: 100 - sum(floors)]:
        floors[i] += 1
    return [float(f) for f in floors]


def trends_chart(
    table: pd.DataFrame,
    periods: pd.DataFrame,
    bands: Sequence[AgeBand],
    title: str = "",
    source: str = "",
):
    """The trends chart: deaths share, age profile and median weeks per period.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`trends_table`.
    periods : pandas.DataFrame
        From :func:`periods_frame` (column order and labels).
    bands : sequence of AgeBand
        The codebook's age bands.
    title, source : str
        The release's title and source line (drawn above and below the panels).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import afcharts
    import matplotlib.style
    from afcharts.af_colours import get_af_colours
    from matplotlib.figure import Figure

    style = Path(afcharts.__file__).parent / "afcharts.mplstyle"
    ids = list(periods["period"])
    names = [
        label.replace("SCRs ", "SCR\n").replace("LCSPRs ", "LCSPR\n")
        for label in periods["period_label"]
    ]
    cohort_ids = [p for p in ids if p.startswith("lcspr_")]
    by_measure = table.set_index(["measure", "category"])

    def values(measure: str, category: str = "", columns: list[str] = ids) -> list[float]:
        row = by_measure.loc[(measure, category)]
        return [float("nan") if number_or_none(row[c]) is None else float(row[c]) for c in columns]

    def hidden(measure: str, category: str = "", columns: list[str] = ids) -> list[int]:
        """Positions of the columns whose figure is suppressed."""
        row = by_measure.loc[(measure, category)]
        return [i for i, c in enumerate(columns) if is_suppressed(row[c])]

    with matplotlib.style.context(style):
        colours = get_af_colours("categorical", number_of_colours=max(2, min(6, len(bands))))
        fig = Figure(figsize=(15, 5.5), layout="constrained")
        axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [3, 3, 2]})
        death, age, weeks = axes
        x = list(range(len(ids)))
        bar_colours = [colours[1] if p in cohort_ids else colours[0] for p in ids]
        death.bar(x, values("pct_deaths"), color=bar_colours)
        label_suppressed(death, hidden("pct_deaths"), fontsize=9)
        suppressed = bool(hidden("pct_deaths"))
        death.set_title("Deaths, % of reviews")
        death.set_xticks(x, names, fontsize=9)
        death.set_ylim(0, 100)

        bottom = [0.0] * len(ids)
        # A period with any band suppressed has no stack: the rest would sit out of place.
        partial = sorted({i for b in bands for i in hidden("pct_age_band", b.label)})
        label_suppressed(age, partial, fontsize=9)
        suppressed = suppressed or bool(partial)
        drawn = [
            [
                0.0 if v != v or position in partial else v
                for position, v in enumerate(values("pct_age_band", band.label))
            ]
            for band in bands
        ]
        # Each period's stack adds up to 100%.
        stacks = [shares_to_100(period) for period in zip(*drawn)]
        for i, band in enumerate(bands):
            shares = [stack[i] for stack in stacks]
            age.bar(x, shares, bottom=bottom, color=colours[i % len(colours)], label=band.label)
            bottom = [b + s for b, s in zip(bottom, shares)]
        age.set_title("Age of index child, %")
        age.set_xticks(x, names, fontsize=9)
        age.legend(fontsize=9, ncols=len(bands), loc="upper center", bbox_to_anchor=(0.5, -0.12))

        cx = list(range(len(cohort_ids)))
        width = 0.4
        for offset, measure, label, colour in (
            (-width / 2, "median_incident_to_rr_weeks", "Incident to rapid review", colours[0]),
            (width / 2, "median_rr_to_lcspr_weeks", "Rapid review to LCSPR", colours[1]),
        ):
            weeks.bar(
                [c + offset for c in cx],
                values(measure, columns=cohort_ids),
                width=width,
                color=colour,
                label=label,
            )
            missing = hidden(measure, columns=cohort_ids)
            label_suppressed(weeks, [cx[i] + offset for i in missing], fontsize=9)
            suppressed = suppressed or bool(missing)
        weeks.set_title("Median weeks (LCSPRs)")
        weeks.set_xticks(cx, [names[ids.index(p)] for p in cohort_ids], fontsize=9)
        weeks.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.12))
        if title:
            fig.suptitle(
                f"{title}: the cohorts beside the SCR periods",
                x=0.01,
                ha="left",
                fontsize=14,
                fontweight="bold",
            )
        if source:
            footer = f"Source: {source}; SCR periods: the published figures."
            if suppressed:
                footer = (
                    f"{SUPPRESSED} = suppressed by a cohort's disclosure control to protect "
                    f"confidentiality (not drawn). {footer}"
                )
            # Wrapped: a long source line would run off the figure's edge.
            fig.supxlabel("\n".join(textwrap.wrap(footer, 180)), x=0.01, ha="left", fontsize=9)
        elif suppressed:
            fig.supxlabel(
                f"{SUPPRESSED} = suppressed by a cohort's disclosure control to protect "
                "confidentiality (not drawn).",
                x=0.01,
                ha="left",
                fontsize=9,
            )
    return fig


def figure_bytes(fig, fmt: str) -> bytes:
    """Render a figure to PNG or SVG bytes with no date or software stamp."""
    import matplotlib

    metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}[fmt]
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT}):
        fig.savefig(buffer, format=fmt, dpi=150, metadata=metadata)
    return buffer.getvalue()


def run_trends(
    key_figures_in: list[str],
    config: dict | Settings,
    table_out: str,
    periods_out: str,
    png_out: str,
    svg_out: str,
) -> None:
    """Read each cohort's key figures and the SCR references; write the trends table and chart.

    ``config`` is the validated config (or its Settings).
    """
    settings = Settings.from_config(config)
    figures = [json.loads(Path(p).read_text(encoding="utf-8")) for p in key_figures_in]
    figures.sort(key=lambda f: int(f["cohort_year"]))
    reference = settings.reference
    scr_ages = pd.read_csv(reference.scr_age_bands)
    scr_harm = pd.read_csv(reference.scr_death_serious_harm)
    scr_periods = pd.read_csv(reference.scr_periods)
    bands = settings.codebook.age_bands
    table = trends_table(figures, scr_ages, scr_harm, scr_periods, settings)
    periods = periods_frame(scr_periods, figures)
    atomic_write_text(table_out, table.to_csv(index=False, lineterminator="\n"))
    atomic_write_text(periods_out, periods.to_csv(index=False, lineterminator="\n"))
    fig = trends_chart(
        table, periods, bands, title=settings.release.title, source=settings.release.source
    )
    atomic_write_bytes(png_out, figure_bytes(fig, "png"))
    atomic_write_bytes(svg_out, figure_bytes(fig, "svg"))
