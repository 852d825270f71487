"""Charts of the release (matplotlib, afcharts style), each with title, source and alt text.

Every chart reads a written table (the same numbers as the workbook); none
recomputes a figure. Files are byte-identical between runs: no dates or
software names in the metadata, fixed SVG ids, a font shipped with matplotlib.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .presentation import Labels, ReleaseTable

# A font shipped with matplotlib, so the charts look (and hash) the same on any machine.
FONT = "DejaVu Sans"
RC = {
    "font.sans-serif": [FONT],
    "svg.hashsalt": "lcspr-stats",
    "svg.fonttype": "path",
    "figure.figsize": (9, 5.5),
    "axes.titlesize": 15,
    "axes.titleweight": "bold",
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
}
TEXT = "#0B0C0C"
GREY = "#505A5F"
FIGURES = [
    "age_by_period",
    "death_serious_harm_by_period",
    "lcsprs_by_incident_year",
    "weeks_incident_to_rapid_review",
    "weeks_rapid_review_to_lcspr",
    "death_categories",
    "serious_harm_categories",
]


@dataclass
class Chart:
    """A drawn chart and what a reader needs without seeing it.

    Attributes
    ----------
    name : str
        File stem (``figures/<name>.png`` and ``.svg``).
    title : str
        The chart's title.
    alt_text : str
        A text alternative stating what the chart shows, with its numbers.
    table : str
        Name of the table whose numbers it draws.
    figure : matplotlib.figure.Figure
        The figure.
    """

    name: str
    title: str
    alt_text: str
    table: str
    figure: object


def _colours(n: int) -> list[str]:
    from afcharts.af_colours import get_af_colours

    if n <= 2:
        return get_af_colours("duo")[:n]
    return get_af_colours("categorical", number_of_colours=min(n, 6))


def _figure(title: str, source: str, subtitle: str = ""):
    """A figure with its title and subtitle top left and its source line bottom left."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=RC["figure.figsize"])
    axes = figure.add_subplot()
    figure.text(
        0.01,
        0.975,
        "\n".join(textwrap.wrap(title, 72)),
        fontsize=15,
        fontweight="bold",
        color=TEXT,
        ha="left",
        va="top",
    )
    lines = textwrap.wrap(subtitle, 100)
    if lines:
        figure.text(
            0.01,
            0.915,
            "\n".join(lines),
            fontsize=11,
            color=GREY,
            ha="left",
            va="top",
        )
    # Room under the title for as many subtitle lines as there are.
    figure.subplots_adjust(top=0.87 - 0.04 * len(lines))
    figure.text(
        0.01,
        0.005,
        "\n".join(textwrap.wrap(f"Source: {source}", 110)),
        fontsize=9.5,
        color=GREY,
        ha="left",
        va="bottom",
    )
    return figure, axes


def _finish(figure, bottom: float = 0.16) -> None:
    figure.subplots_adjust(left=0.1, right=0.97, bottom=bottom)


def _whole_numbers(axis) -> None:
    """Counts: ticks at whole numbers only."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))


def _table(tables: dict[str, ReleaseTable], name: str) -> pd.DataFrame:
    return tables[name].frame


def _spread(values: list[float], gap: float) -> list[float]:
    """Nudge label positions apart so that neighbours are at least ``gap`` apart."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed = [0.0] * len(values)
    last = None
    for i in order:
        y = values[i] if last is None else max(values[i], last + gap)
        placed[i] = y
        last = y
    # Centre the block again on the original values' mean shift.
    shift = (sum(placed) - sum(values)) / len(values) if values else 0
    return [y - shift for y in placed]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- charts ---------------------------------------------------------------------------


def age_by_period(tables, labels: Labels, year: int, source: str, settings: dict) -> Chart:
    """Line chart: percentage of index children per age band, SCR periods then the cohort."""
    frame = _table(tables, "table4_age")
    body = frame.loc[frame["age_band"] != "Total"]
    prefixes = [p for p in labels.prefixes if f"{p}_pct" in frame]
    period_names = [labels.prefixes[p] for p in prefixes]
    title = f"Ages of index children in SCRs and the {year} LCSPRs"
    figure, axes = _figure(
        title,
        source,
        "Percentage of index children in each age band. SCR periods are the published "
        "figures; the dotted step marks the change to LCSPRs, a different review system.",
    )
    colours = _colours(len(body))
    x = list(range(len(prefixes)))
    ends, texts = [], []
    for colour, (_, row) in zip(colours, body.iterrows()):
        values = [row[f"{p}_pct"] for p in prefixes]
        scr = [i for i, p in enumerate(prefixes) if p in labels.reference_prefixes]
        cohort = [i for i, p in enumerate(prefixes) if p not in labels.reference_prefixes]
        axes.plot(scr, [values[i] for i in scr], color=colour, marker="o", markersize=5)
        if scr and cohort:
            # A different review system: the step to the cohort is dotted.
            axes.plot(
                [scr[-1], cohort[0]],
                [values[scr[-1]], values[cohort[0]]],
                color=colour,
                linestyle=":",
            )
            axes.plot(cohort, [values[i] for i in cohort], color=colour, marker="o", markersize=7)
        ends.append(float(values[-1]))
        texts.append(labels.value("table4_age", "age_band", row["age_band"]))
    top = max(float(body[[f"{p}_pct" for p in prefixes]].max().max()), 10)
    axes.set_ylim(0, top * 1.12)
    for y, text, value in zip(_spread(ends, top * 0.075), texts, ends):
        axes.annotate(
            f"{text}: {value:.0f}%",
            xy=(x[-1], value),
            xytext=(x[-1] + 0.18, y),
            va="center",
            fontsize=11,
            # Dark text: the lighter palette colours fail contrast as text; the
            # label sits at its line's end marker, which carries the colour.
            color=TEXT,
            fontweight="bold",
            annotation_clip=False,
        )
    axes.set_xticks(x, [name.replace(" ", "\n", 1) for name in period_names])
    axes.set_xlim(-0.3, len(x) - 0.3)
    axes.set_ylabel("Percentage of index children")
    axes.set_xlabel("Review period")
    axes.yaxis.set_major_formatter(_percent_formatter())
    _finish(figure, bottom=0.2)
    figure.subplots_adjust(right=0.84)
    lines = []
    for _, row in body.iterrows():
        values = [f"{row[f'{p}_pct']:.0f}%" for p in prefixes]
        band = labels.value("table4_age", "age_band", row["age_band"])
        lines.append(f"{band}: {', '.join(values[:-1])}, then {values[-1]} in the {year} LCSPRs")
    alt = (
        f"Line chart of the percentage of index children in each age band, from "
        f"{period_names[0]} to {period_names[-2]} and in the {year} LCSPRs. "
        + "; ".join(lines)
        + "."
    )
    return Chart("age_by_period", title, alt, "table4_age", figure)


def death_serious_harm_by_period(
    tables, labels: Labels, year: int, source: str, settings: dict
) -> Chart:
    """Stacked bars: death and serious harm as percentages of each period's reviews."""
    frame = _table(tables, "table5_death_serious_harm").set_index("category")
    prefixes = [p for p in labels.prefixes if f"{p}_pct" in frame]
    names = [labels.prefixes[p] for p in prefixes]
    title = f"Death and serious harm cases in SCRs and the {year} LCSPRs"
    figure, axes = _figure(
        title,
        source,
        "Percentage of reviews about a death and about serious harm. SCR periods are the "
        "published figures.",
    )
    death_colour, harm_colour = _colours(2)
    deaths = [float(frame.loc["Death", f"{p}_pct"]) for p in prefixes]
    harms = [float(frame.loc["Serious harm", f"{p}_pct"]) for p in prefixes]
    x = list(range(len(prefixes)))
    axes.bar(x, deaths, color=death_colour, label="Death", width=0.62)
    axes.bar(x, harms, bottom=deaths, color=harm_colour, label="Serious harm", width=0.62)
    for i, (d, h) in enumerate(zip(deaths, harms)):
        axes.text(i, d / 2, f"{d:.0f}%", ha="center", va="center", color="white", fontsize=11)
        axes.text(i, d + h / 2, f"{h:.0f}%", ha="center", va="center", color=TEXT, fontsize=11)
    axes.set_xticks(x, [name.replace(" ", "\n", 1) for name in names])
    axes.set_ylim(0, 100)
    axes.set_ylabel("Percentage of reviews")
    axes.set_xlabel("Review period")
    axes.yaxis.set_major_formatter(_percent_formatter())
    axes.legend(loc="upper left", bbox_to_anchor=(0, 1.02), ncols=2, frameon=False)
    axes.set_ylim(0, 112)
    axes.set_yticks(range(0, 101, 20))
    _finish(figure, bottom=0.2)
    pairs = [f"{n} {d:.0f}% death, {h:.0f}% serious harm" for n, d, h in zip(names, deaths, harms)]
    alt = (
        "Stacked bar chart of the percentage of reviews about a death and about serious "
        "harm, per review period: " + "; ".join(pairs) + "."
    )
    return Chart("death_serious_harm_by_period", title, alt, "table5_death_serious_harm", figure)


def lcsprs_by_incident_year(
    tables, labels: Labels, year: int, source: str, settings: dict
) -> Chart:
    """Bars: LCSPRs of the cohort by year of incident."""
    frame = _table(tables, "table1_year_of_incident")
    years = frame.loc[frame["year_of_incident"].astype(str).str.fullmatch(r"\d{4}")]
    not_known = frame.loc[frame["year_of_incident"] == "Not known", "n"]
    title = f"LCSPRs received in {year}, by year of incident"
    missing = int(not_known.iloc[0]) if len(not_known) else 0
    figure, axes = _figure(
        title,
        source,
        f"Number of LCSPRs. The year of incident is not known for {missing} LCSPR"
        f"{'s' if missing != 1 else ''}."
        if missing
        else "Number of LCSPRs.",
    )
    colour = _colours(1)[0]
    x = years["year_of_incident"].astype(str).tolist()
    n = [int(v) for v in years["n"]]
    bars = axes.bar(x, n, color=colour, width=0.6)
    axes.bar_label(bars, labels=[str(v) for v in n], padding=3, fontsize=11, color=TEXT)
    axes.set_ylim(0, max(n + [1]) * 1.15)
    axes.set_ylabel("Number of LCSPRs")
    axes.set_xlabel("Year of incident")
    _whole_numbers(axes.yaxis)
    _finish(figure)
    alt = (
        f"Bar chart of the number of LCSPRs received in {year} by the year of the incident: "
        + ", ".join(f"{y}: {k}" for y, k in zip(x, n))
        + (f". The year is not known for {missing} LCSPRs." if missing else ".")
    )
    return Chart("lcsprs_by_incident_year", title, alt, "table1_year_of_incident", figure)


def _duration_chart(
    tables,
    measure: str,
    name: str,
    title: str,
    xlabel: str,
    expectation: tuple[float, str],
    source: str,
    subtitle: str,
) -> Chart:
    bins = _table(tables, "duration_distribution")
    bins = bins.loc[bins["measure"] == measure]
    t3 = _table(tables, "table3_durations")
    t3 = t3.loc[t3["measure"] == measure].set_index("statistic")["value"]
    median, total = float(t3["Median"]), int(t3["N"])
    figure, axes = _figure(title, source, subtitle.format(n=total))
    colour = _colours(1)[0]
    widths = (bins["weeks_to"] - bins["weeks_from"]).astype(float)
    axes.bar(
        bins["weeks_from"].astype(float),
        bins["n"].astype(int),
        width=widths * 0.92,
        align="edge",
        color=colour,
    )
    top = max(int(bins["n"].max()) if len(bins) else 1, 1)
    axes.set_ylim(0, top * 1.3)
    expected_at, expected_text = expectation
    # The expectation is a wide orange line under a thin dashed median line, so
    # both stay visible where they coincide (as for incident to rapid review).
    for x, text, style, colour_line, width, height in (
        (expected_at, expected_text, "-", "#F46A25", 4, 0.97),
        (median, f"Median: {median:g} weeks", "--", TEXT, 2, 0.87),
    ):
        axes.axvline(x, color=colour_line, linestyle=style, linewidth=width)
        axes.annotate(
            text,
            xy=(x, height),
            xycoords=("data", "axes fraction"),
            xytext=(6, 0),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=11,
            color=TEXT,
            # A white box keeps the label readable where it crosses the other line.
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
        )
    axes.set_xlim(0, float(bins["weeks_to"].max()) if len(bins) else 1)
    axes.set_xlabel(xlabel)
    axes.set_ylabel("Number of LCSPRs")
    _whole_numbers(axes.yaxis)
    _finish(figure)
    peak = bins.loc[bins["n"].idxmax()] if len(bins) else None
    width = int(widths.iloc[0]) if len(widths) else 1
    alt = (
        f"Histogram of the {xlabel[:1].lower()}{xlabel[1:]} for {total} LCSPRs, in bins of "
        f"{width} week{'s' if width != 1 else ''}. Vertical lines mark the median, "
        f"{median:g} weeks, and the {expected_text[:1].lower()}{expected_text[1:]}. "
        + (
            f"The tallest bar is {peak['weeks']} weeks with {int(peak['n'])} LCSPRs; "
            f"the longest took {float(t3['Maximum']):g} weeks."
            if peak is not None
            else ""
        )
    )
    return Chart(name, title, alt, "duration_distribution", figure)


def weeks_incident_to_rapid_review(
    tables, labels: Labels, year: int, source: str, settings: dict
) -> Chart:
    """Histogram of weeks from incident to rapid review, the 15-working-day line and median."""
    days = settings["rr_expected_working_days"]
    return _duration_chart(
        tables,
        "incident_to_rapid_review",
        "weeks_incident_to_rapid_review",
        f"Weeks from incident to rapid review, LCSPRs received in {year}",
        "Weeks from incident to rapid review",
        # Five working days make a week without bank holidays.
        (days / 5, f"Expected: {days} working days (about {days / 5:g} weeks)"),
        source,
        "LCSPRs by weeks from incident to rapid review ({n} with both dates).",
    )


def weeks_rapid_review_to_lcspr(
    tables, labels: Labels, year: int, source: str, settings: dict
) -> Chart:
    """Histogram of weeks from rapid review to LCSPR, the 26-week requirement and median."""
    weeks = settings["lcspr_expected_weeks"]
    return _duration_chart(
        tables,
        "rapid_review_to_lcspr",
        "weeks_rapid_review_to_lcspr",
        f"Weeks from rapid review to LCSPR, LCSPRs received in {year}",
        "Weeks from rapid review to LCSPR",
        (weeks, f"Requirement: {weeks:g} weeks"),
        source,
        "LCSPRs by weeks from rapid review to LCSPR ({n} with both dates).",
    )


def _category_chart(
    tables, labels: Labels, name: str, table: str, title: str, what: str, source: str
) -> Chart:
    frame = _table(tables, table)
    body = frame.loc[
        (frame["harm_category"] != "Total") & ~frame["harm_category"].str.endswith("(all)")
    ]
    total = int(frame.loc[frame["harm_category"] == "Total", "n"].iloc[0])
    names = [labels.value(table, "harm_category", c) for c in body["harm_category"]]
    n = [int(v) for v in body["n"]]
    pct = [None if pd.isna(p) else int(p) for p in body["pct"]]
    figure, axes = _figure(
        title, source, f"Number (percentage) of the {total} LCSPRs about {what}, by category."
    )
    colour = _colours(1)[0]
    y = list(range(len(names)))[::-1]
    bars = axes.barh(y, n, color=colour, height=0.6)
    axes.bar_label(
        bars,
        labels=[f"{k} ({p}%)" if p is not None else str(k) for k, p in zip(n, pct)],
        padding=4,
        fontsize=11,
        color=TEXT,
    )
    axes.set_yticks(y, names)
    axes.set_xlim(0, max(n + [1]) * 1.25)
    axes.grid(axis="y", visible=False)
    axes.grid(axis="x", visible=True)
    axes.set_xlabel("Number of LCSPRs")
    _whole_numbers(axes.xaxis)
    _finish(figure)
    figure.subplots_adjust(left=0.32)
    parts = [f"{c} {k} ({p}%)" for c, k, p in zip(names, n, pct)]
    alt = f"Horizontal bar chart of the {total} LCSPRs about {what}, by category: " + (
        "; ".join(parts) + "."
    )
    return Chart(name, title, alt, table, figure)


def death_categories(tables, labels: Labels, year: int, source: str, settings: dict) -> Chart:
    """Horizontal bars: categories of death."""
    return _category_chart(
        tables,
        labels,
        "death_categories",
        "death_categories",
        f"Category of death, LCSPRs received in {year}",
        "a death",
        source,
    )


def serious_harm_categories(
    tables, labels: Labels, year: int, source: str, settings: dict
) -> Chart:
    """Horizontal bars: categories of serious harm."""
    return _category_chart(
        tables,
        labels,
        "serious_harm_categories",
        "serious_harm_categories",
        f"Category of serious harm, LCSPRs received in {year}",
        "serious harm",
        source,
    )


def _percent_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v:.0f}%")


BUILDERS: dict[str, Callable[..., Chart]] = {
    "age_by_period": age_by_period,
    "death_serious_harm_by_period": death_serious_harm_by_period,
    "lcsprs_by_incident_year": lcsprs_by_incident_year,
    "weeks_incident_to_rapid_review": weeks_incident_to_rapid_review,
    "weeks_rapid_review_to_lcspr": weeks_rapid_review_to_lcspr,
    "death_categories": death_categories,
    "serious_harm_categories": serious_harm_categories,
}


def draw_charts(
    tables: list[ReleaseTable], labels: Labels, key_figures: dict, source: str, dpi: int
) -> list[tuple[Chart, bytes, bytes]]:
    """Draw every chart; return each with its PNG and SVG bytes.

    Parameters
    ----------
    tables : list of ReleaseTable
        The written tables.
    labels : Labels
        Readable labels.
    key_figures : dict
        The key figures (cohort year and expected times only).
    source : str
        The source line.
    dpi : int
        Resolution of the PNGs.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    by_name = {t.name: t for t in tables}
    year = int(key_figures["cohort_year"])
    settings = {
        "rr_expected_working_days": key_figures.get("rr_expected_working_days", 15),
        "lcspr_expected_weeks": key_figures.get("lcspr_expected_weeks", 26),
    }
    out = []
    with plt.style.context("afcharts.afcharts"), matplotlib.rc_context(RC):
        for name in FIGURES:
            chart = BUILDERS[name](by_name, labels, year, source, settings)
            png, svg = io.BytesIO(), io.BytesIO()
            chart.figure.savefig(png, format="png", dpi=dpi, metadata={"Software": None})
            chart.figure.savefig(
                svg,
                format="svg",
                metadata={
                    "Date": None,
                    "Creator": None,
                    "Title": chart.title,
                    "Description": chart.alt_text,
                },
            )
            out.append((chart, png.getvalue(), svg.getvalue()))
    return out
