"""Charts of the release (matplotlib, afcharts style), each with title, source and alt text.

Every chart reads a written table (the same numbers as the workbook); none
recomputes a figure. A figure withheld by disclosure control (``[c]``) is not
drawn: its place is labelled ``[c]`` and the alt text says it is suppressed.
Files are byte-identical between runs: no dates or software names in the
metadata, fixed SVG ids, a font shipped with matplotlib.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from . import display
from . import registry as reg
from .presentation import SUPPRESSED, Labels, is_suppressed, number_or_none
from .survival import share_weeks
from .table import Table

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
# Said under a chart that leaves out a suppressed value.
SUPPRESSED_NOTE = f"{SUPPRESSED} = suppressed to protect confidentiality (not drawn)."
FIGURES = [
    "age_by_period",
    "death_serious_harm_by_period",
    "lcsprs_by_incident_year",
    "weeks_incident_to_rapid_review",
    "weeks_rapid_review_to_lcspr",
    reg.TIME_TO_LCSPR,
    reg.DEATH_CATEGORIES,
    reg.SERIOUS_HARM_CATEGORIES,
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


def _keep_inside(figure, axes, labels: list) -> None:
    """A line's label that would run past the chart's right edge goes on the line's left."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    right = axes.get_window_extent(renderer).x1
    for label in labels:
        if label.get_window_extent(renderer).x1 > right:
            label.set_horizontalalignment("right")
            label.set_position((-6, 0))


def _whole_numbers(axis) -> None:
    """Counts: ticks at whole numbers only."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))


def _table(tables: dict[str, Table], name: str) -> pd.DataFrame:
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


def _numbers(values) -> list[float | None]:
    """Cells as floats, None where suppressed (``[c]``) or blank: nothing to draw."""
    return [number_or_none(v) for v in values]


def _shown(value: object, form: str = "{:g}") -> str:
    """A cell as the chart prints it: ``[c]`` where it is suppressed."""
    if is_suppressed(value):
        return SUPPRESSED
    number = number_or_none(value)
    return "not known" if number is None else form.format(number)


def _count_and_percent(n: object, pct: object) -> str:
    """``12 (36%)``; ``[c]`` for a suppressed count, ``12 ([c])`` for a suppressed share."""
    return display.n_pct(_whole(n), _whole(pct))


def _whole(value: object) -> object:
    """A cell as a whole number for a label (``[c]`` and blanks as they are)."""
    number = number_or_none(value)
    return round(number) if number is not None else value


def _nan(values: list[float | None]) -> list[float]:
    """None as NaN: matplotlib leaves a NaN point out of a line."""
    return [float("nan") if v is None else v for v in values]


def _heights(values: list[float | None]) -> list[float]:
    """Bar lengths: a suppressed bar has none (it is labelled ``[c]`` instead)."""
    return [0.0 if v is None else v for v in values]


def _centres(bars, values: list[float | None], horizontal: bool = False) -> list[float]:
    """Where the bars of suppressed values stand (their centre across the bar)."""
    if horizontal:
        return [b.get_y() + b.get_height() / 2 for b, v in zip(bars, values) if v is None]
    return [b.get_x() + b.get_width() / 2 for b, v in zip(bars, values) if v is None]


def _alt_note(suppressed: bool) -> str:
    """The alt text's last sentence where a value is suppressed."""
    if not suppressed:
        return ""
    return (
        f" Values shown as {SUPPRESSED} are suppressed to protect confidentiality "
        "and are not drawn."
    )


def _with_note(subtitle: str, suppressed: bool) -> str:
    return f"{subtitle} {SUPPRESSED_NOTE}" if suppressed else subtitle


def label_suppressed(
    axes,
    positions: list[float],
    horizontal: bool = False,
    small: bool = False,
    fontsize: float = 11,
    color: str = GREY,
) -> None:
    """Write ``[c]`` where a suppressed bar would stand, at the axis.

    ``horizontal``: bars along x, so the label sits at x = 0 beside its row;
    ``small``: upwards in a smaller type, for the narrow bins of a histogram.
    """
    at_axis = {"va": "center", "ha": "left"} if horizontal else {"va": "bottom", "ha": "center"}
    for position in positions:
        axes.annotate(
            SUPPRESSED,
            xy=(0, position) if horizontal else (position, 0),
            xytext=(4, 0) if horizontal else (0, 2 if small else 3),
            textcoords="offset points",
            rotation=90 if small else 0,
            fontsize=8 if small else fontsize,
            color=color,
            **at_axis,
        )


# --- charts ---------------------------------------------------------------------------


def age_by_period(tables, labels: Labels, year: int, source: str, settings: dict) -> Chart:
    """Line chart: percentage of index children per age band, SCR periods then the cohort."""
    frame = _table(tables, reg.TABLE4)
    body = frame.loc[frame["age_band"] != "Total"]
    prefixes = [p for p in labels.prefixes if f"{p}_pct" in frame]
    period_names = [labels.prefixes[p] for p in prefixes]
    columns = [f"{p}_pct" for p in prefixes]
    suppressed = body[columns].map(is_suppressed).to_numpy().any()
    title = f"Ages of index children in SCRs and the {year} LCSPRs"
    figure, axes = _figure(
        title,
        source,
        _with_note(
            "Percentage of index children in each age band. SCR periods are the published "
            "figures; the dotted step marks the change to LCSPRs, a different review system.",
            suppressed,
        ),
    )
    colours = _colours(len(body))
    x = list(range(len(prefixes)))
    ends, texts, shown_ends = [], [], []
    for colour, (_, row) in zip(colours, body.iterrows()):
        values = _nan(_numbers(row[c] for c in columns))
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
        # A suppressed last value is labelled beside the last value drawn.
        drawn = [v for v in values if v == v]
        ends.append(drawn[-1] if drawn else 0.0)
        shown_ends.append(_shown(row[columns[-1]], "{:.0f}%"))
        texts.append(labels.value(reg.TABLE4, "age_band", row["age_band"]))
    top = max([v for v in _numbers(body[columns].to_numpy().ravel()) if v is not None] + [10])
    axes.set_ylim(0, top * 1.12)
    for y, text, value, shown in zip(_spread(ends, top * 0.075), texts, ends, shown_ends):
        axes.annotate(
            f"{text}: {shown}",
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
        values = [_shown(row[c], "{:.0f}%") for c in columns]
        band = labels.value(reg.TABLE4, "age_band", row["age_band"])
        lines.append(f"{band}: {', '.join(values[:-1])}, then {values[-1]} in the {year} LCSPRs")
    alt = (
        f"Line chart of the percentage of index children in each age band, from "
        f"{period_names[0]} to {period_names[-2]} and in the {year} LCSPRs. "
        + "; ".join(lines)
        + "."
        + _alt_note(suppressed)
    )
    return Chart("age_by_period", title, alt, reg.TABLE4, figure)


def death_serious_harm_by_period(
    tables, labels: Labels, year: int, source: str, settings: dict
) -> Chart:
    """Stacked bars: death and serious harm as percentages of each period's reviews."""
    frame = _table(tables, reg.TABLE5).set_index("category")
    prefixes = [p for p in labels.prefixes if f"{p}_pct" in frame]
    names = [labels.prefixes[p] for p in prefixes]
    title = f"Death and serious harm cases in SCRs and the {year} LCSPRs"
    raw_deaths = [frame.loc["Death", f"{p}_pct"] for p in prefixes]
    raw_harms = [frame.loc["Serious harm", f"{p}_pct"] for p in prefixes]
    suppressed = any(is_suppressed(v) for v in raw_deaths + raw_harms)
    figure, axes = _figure(
        title,
        source,
        _with_note(
            "Percentage of reviews about a death and about serious harm. SCR periods are the "
            "published figures.",
            suppressed,
        ),
    )
    death_colour, harm_colour = _colours(2)
    deaths, harms = _numbers(raw_deaths), _numbers(raw_harms)
    # A period with either share suppressed has no bar (one share would give the other).
    drawn = [d is not None and h is not None for d, h in zip(deaths, harms)]
    deaths = [d if ok else float("nan") for d, ok in zip(deaths, drawn)]
    harms = [h if ok else float("nan") for h, ok in zip(harms, drawn)]
    x = list(range(len(prefixes)))
    axes.bar(x, deaths, color=death_colour, label="Death", width=0.62)
    axes.bar(x, harms, bottom=deaths, color=harm_colour, label="Serious harm", width=0.62)
    for i, (d, h) in enumerate(zip(deaths, harms)):
        if not drawn[i]:
            continue
        axes.text(i, d / 2, f"{d:.0f}%", ha="center", va="center", color="white", fontsize=11)
        axes.text(i, d + h / 2, f"{h:.0f}%", ha="center", va="center", color=TEXT, fontsize=11)
    label_suppressed(axes, [i for i in x if not drawn[i]])
    axes.set_xticks(x, [name.replace(" ", "\n", 1) for name in names])
    axes.set_ylim(0, 100)
    axes.set_ylabel("Percentage of reviews")
    axes.set_xlabel("Review period")
    axes.yaxis.set_major_formatter(_percent_formatter())
    axes.legend(loc="upper left", bbox_to_anchor=(0, 1.02), ncols=2, frameon=False)
    axes.set_ylim(0, 112)
    axes.set_yticks(range(0, 101, 20))
    _finish(figure, bottom=0.2)
    pairs = [
        f"{n} {_shown(d, '{:.0f}%')} death, {_shown(h, '{:.0f}%')} serious harm"
        for n, d, h in zip(names, raw_deaths, raw_harms)
    ]
    alt = (
        "Stacked bar chart of the percentage of reviews about a death and about serious "
        "harm, per review period: " + "; ".join(pairs) + "." + _alt_note(suppressed)
    )
    return Chart("death_serious_harm_by_period", title, alt, reg.TABLE5, figure)


def lcsprs_by_incident_year(
    tables, labels: Labels, year: int, source: str, settings: dict
) -> Chart:
    """Bars: LCSPRs of the cohort by year of incident."""
    frame = _table(tables, reg.TABLE1)
    years = frame.loc[frame["year_of_incident"].astype(str).str.fullmatch(r"\d{4}")]
    not_known = frame.loc[frame["year_of_incident"] == "Not known", "n"]
    title = f"LCSPRs received in {year}, by year of incident"
    missing = not_known.iloc[0] if len(not_known) else 0
    if is_suppressed(missing):
        missing_text = f"{SUPPRESSED} LCSPRs"
    else:
        missing = int(missing)
        missing_text = f"{missing} LCSPR{'s' if missing != 1 else ''}"
    x = years["year_of_incident"].astype(str).tolist()
    n = _numbers(years["n"])
    suppressed = is_suppressed(missing) or None in n
    subtitle = "Number of LCSPRs."
    if missing:
        subtitle += f" The year of incident is not known for {missing_text}."
    figure, axes = _figure(title, source, _with_note(subtitle, suppressed))
    colour = _colours(1)[0]
    bars = axes.bar(x, _heights(n), color=colour, width=0.6)
    axes.bar_label(
        bars,
        labels=["" if v is None else _shown(v) for v in n],
        padding=3,
        fontsize=11,
        color=TEXT,
    )
    label_suppressed(axes, _centres(bars, n))
    axes.set_ylim(0, max([v for v in n if v is not None] + [1]) * 1.15)
    axes.set_ylabel("Number of LCSPRs")
    axes.set_xlabel("Year of incident")
    _whole_numbers(axes.yaxis)
    _finish(figure)
    alt = (
        f"Bar chart of the number of LCSPRs received in {year} by the year of the incident: "
        + ", ".join(f"{y}: {_shown(k)}" for y, k in zip(x, years["n"]))
        + (f". The year is not known for {missing_text}." if missing else ".")
        + _alt_note(suppressed)
    )
    return Chart("lcsprs_by_incident_year", title, alt, reg.TABLE1, figure)


def _duration_chart(
    tables, measure: str, what: str, expectation: tuple[float, str], year: int, source: str
) -> Chart:
    """Histogram of one Table 3 measure (``what``: "incident to rapid review" ...)."""
    name = f"weeks_{measure}"
    title = f"Weeks from {what}, LCSPRs received in {year}"
    xlabel = f"Weeks from {what}"
    subtitle = f"LCSPRs by weeks from {what} ({{n}} with both dates)."
    bins = _table(tables, reg.DURATION_DISTRIBUTION)
    bins = bins.loc[bins["measure"] == measure].reset_index(drop=True)
    t3 = _table(tables, reg.TABLE3)
    t3 = t3.loc[t3["measure"] == measure].set_index("statistic")["value"]
    median = number_or_none(t3["Median"])
    counts = _numbers(bins["n"])
    hidden = [str(w) for w, k in zip(bins["weeks"], counts) if k is None]
    suppressed = bool(hidden) or median is None or is_suppressed(t3["N"])
    figure, axes = _figure(
        title, source, _with_note(subtitle.format(n=_shown(t3["N"], "{:.0f}")), suppressed)
    )
    colour = _colours(1)[0]
    widths = (bins["weeks_to"] - bins["weeks_from"]).astype(float)
    bars = axes.bar(
        bins["weeks_from"].astype(float),
        _heights(counts),
        width=widths * 0.92,
        align="edge",
        color=colour,
    )
    # Narrow bins: the [c] of a suppressed one is written upwards, small.
    label_suppressed(axes, _centres(bars, counts), small=True)
    top = max([k for k in counts if k is not None] + [1])
    axes.set_ylim(0, top * 1.3)
    expected_at, expected_text = expectation
    lines = [(expected_at, expected_text, "-", "#F46A25", 4, 0.97)]
    if median is not None:
        lines.append((median, f"Median: {median:g} weeks", "--", TEXT, 2, 0.87))
    # The expectation is a wide orange line under a thin dashed median line, so
    # both stay visible where they coincide (as for incident to rapid review).
    # The axis reaches past every line, so a line (and its label) is never off the chart.
    top_bin = float(bins["weeks_to"].max()) if len(bins) else 1.0
    axes.set_xlim(0, max([top_bin] + [1.05 * x for x, *_ in lines]))
    labels_drawn = []
    for x, text, style, colour_line, width, height in lines:
        axes.axvline(x, color=colour_line, linestyle=style, linewidth=width)
        label = axes.annotate(
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
        labels_drawn.append(label)
    axes.set_xlabel(xlabel)
    axes.set_ylabel("Number of LCSPRs")
    _whole_numbers(axes.yaxis)
    _finish(figure)
    _keep_inside(figure, axes, labels_drawn)
    drawn = [i for i, k in enumerate(counts) if k is not None]
    peak = max(drawn, key=lambda i: (counts[i], -i)) if drawn else None
    width = int(widths.iloc[0]) if len(widths) else 1
    expected = f"{expected_text[:1].lower()}{expected_text[1:]}"
    if median is not None:
        lines_text = f"Vertical lines mark the median, {median:g} weeks, and the {expected}. "
    else:
        lines_text = (
            f"The median is suppressed ({SUPPRESSED}); a vertical line marks the {expected}. "
        )
    alt = (
        f"Histogram of the {xlabel[:1].lower()}{xlabel[1:]} for {_shown(t3['N'], '{:.0f}')} "
        f"LCSPRs, in bins of {width} week{'s' if width != 1 else ''}. "
        + lines_text
        + (
            f"The tallest bar{' drawn' if hidden else ''} is {bins.at[peak, 'weeks']} weeks "
            f"with {counts[peak]:.0f} LCSPRs; the longest took {_shown(t3['Maximum'])} weeks."
            if peak is not None
            else ""
        )
        + (
            f" Bins with a suppressed count ({SUPPRESSED}, not drawn): {_join(hidden)} weeks."
            if hidden
            else ""
        )
    )
    return Chart(name, title, alt, reg.DURATION_DISTRIBUTION, figure)


def weeks_incident_to_rapid_review(
    tables, labels: Labels, year: int, source: str, settings: dict
) -> Chart:
    """Histogram of weeks from incident to rapid review, the 15-working-day line and median."""
    days = settings["rr_expected_working_days"]
    return _duration_chart(
        tables,
        "incident_to_rapid_review",
        "incident to rapid review",
        # Five working days make a week without bank holidays.
        (days / 5, f"Expected: {days} working days (about {days / 5:g} weeks)"),
        year,
        source,
    )


def weeks_rapid_review_to_lcspr(
    tables, labels: Labels, year: int, source: str, settings: dict
) -> Chart:
    """Histogram of weeks from rapid review to LCSPR, the 26-week requirement and median."""
    weeks = settings["lcspr_expected_weeks"]
    return _duration_chart(
        tables,
        "rapid_review_to_lcspr",
        "rapid review to LCSPR",
        (weeks, f"Requirement: {weeks:g} weeks"),
        year,
        source,
    )


# Weeks at which the time-to-LCSPR chart prints the numbers still at risk.
AT_RISK_TICKS = (0, 26, 52, 78, 104, 130, 156)


def time_to_lcspr(tables, labels: Labels, year: int, source: str, settings: dict) -> Chart:
    """Kaplan-Meier share of LCSPRs completed by weeks since the rapid review.

    A step curve with its interval band, the 26-week requirement, marks where
    reviews were censored, the numbers at risk under the axis, and the median
    of the completed reviews only (Table 3) beside the Kaplan-Meier median.
    """
    curve = _table(tables, reg.TIME_TO_LCSPR_CURVE)
    summary = _table(tables, reg.TIME_TO_LCSPR).set_index("statistic")
    t3 = _table(tables, reg.TABLE3)
    completed_only = t3.loc[
        (t3["measure"] == "rapid_review_to_lcspr") & (t3["statistic"] == "Median"), "value"
    ]
    completed_median = number_or_none(completed_only.iloc[0]) if len(completed_only) else None
    weeks = settings["lcspr_expected_weeks"]
    title = "Share of LCSPRs completed, by weeks since the rapid review"
    if "median weeks" not in summary.index:
        figure, axes = _figure(title, source, "Not available: the register has no received dates.")
        axes.set_axis_off()
        alt = (
            "Not available: the rapid review register has no lcspr_received_date column, so the "
            "time from rapid review to LCSPR cannot be estimated."
        )
        return Chart(reg.TIME_TO_LCSPR, title, alt, reg.TIME_TO_LCSPR_CURVE, figure)
    x = [float(w) for w in curve["weeks"]]
    share = _numbers(curve["pct_completed"])
    low = _numbers(curve["pct_completed_ci_lower"])
    high = _numbers(curve["pct_completed_ci_upper"])
    at_risk = _numbers(curve["n_at_risk"])
    censored = [str(v) == "yes" for v in curve["censored"]]
    suppressed = any(is_suppressed(v) for v in [*curve["pct_completed"], *curve["n_at_risk"]])
    n = _shown(summary.at["rapid reviews", "n"], "{:.0f}")
    median = number_or_none(summary.at["median weeks", "value"])
    median_text = summary.at["median weeks", "display"]
    subtitle = (
        f"Kaplan-Meier estimate over {n} LCSPRs initiated, open reviews censored at the "
        f"as-at date. Median {median_text}; completed reviews only: "
        + (f"{completed_median:g} weeks." if completed_median is not None else "suppressed.")
    )
    figure, axes = _figure(title, source, _with_note(subtitle, suppressed))
    colour = _colours(1)[0]
    axes.fill_between(
        x,
        _nan(low),
        _nan(high),
        step="post",
        color=colour,
        alpha=0.25,
        linewidth=0,
        label="95% interval",
    )
    axes.step(x, _nan(share), where="post", color=colour, linewidth=2.5, label="Share completed")
    # A mark where reviews were censored since the row before (open at the as-at date).
    marks = [(x[i], share[i]) for i in range(len(x)) if censored[i] and share[i] is not None]
    if marks:
        axes.plot(
            [m[0] for m in marks],
            [m[1] for m in marks],
            linestyle="none",
            marker="|",
            markersize=8,
            color=TEXT,
            label="Reviews censored",
        )
    axes.axvline(weeks, color="#F46A25", linewidth=3, label=f"Requirement: {weeks:g} weeks")
    if completed_median is not None:
        axes.axvline(
            completed_median,
            color=TEXT,
            linestyle="--",
            linewidth=1.5,
            label=f"Median of completed reviews only: {completed_median:g} weeks",
        )
    if median is not None:
        axes.axvline(
            median,
            color=TEXT,
            linestyle=":",
            linewidth=1.5,
            label=f"Kaplan-Meier median: {median:.1f} weeks",
        )
    axes.set_ylim(0, 100)
    axes.set_xlim(0, max(x) if x else 1)
    axes.yaxis.set_major_formatter(_percent_formatter())
    axes.set_ylabel("LCSPRs completed")
    axes.set_xlabel("Weeks since the rapid review (numbers at risk below)")
    axes.legend(loc="upper left", fontsize=9, frameon=False)
    ticks = [w for w in AT_RISK_TICKS if w <= (max(x) if x else 0)]
    axes.set_xticks(ticks)
    risk_at = dict(zip(x, at_risk, strict=True))
    for w in ticks:
        value = risk_at.get(float(w))
        axes.annotate(
            SUPPRESSED if value is None else f"{value:.0f}",
            xy=(w, 0),
            xycoords=("data", "axes fraction"),
            xytext=(0, -38),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=10,
            color=GREY,
        )
    _finish(figure, bottom=0.24)

    def share_at(w: int) -> str:
        row = f"% completed within {w} weeks"
        return summary.at[row, "display"] if row in summary.index else "not known"

    risk_text = (
        _join(
            [
                f"{SUPPRESSED if risk_at.get(float(w)) is None else f'{risk_at[float(w)]:.0f}'}"
                f" at {w} weeks"
                for w in (26, 52, 104)
                if float(w) in risk_at
            ]
        )
        if any(float(w) in risk_at for w in (26, 52, 104))
        else "not known"
    )
    alt = (
        f"Step chart of the Kaplan-Meier share of the {n} LCSPRs initiated that had been "
        "completed, by weeks since the rapid review, with a shaded 95% interval and marks "
        "where open reviews were censored. "
        + "; ".join(
            f"{'Completed within' if i == 0 else 'within'} {w} weeks: {share_at(w)}"
            for i, w in enumerate(share_weeks(weeks))
        )
        + f". Median: {median_text}, against "
        + (
            f"{completed_median:g} weeks"
            if completed_median is not None
            else f"a suppressed median ({SUPPRESSED})"
        )
        + " for the completed reviews only, which leave out the reviews still open. "
        f"A vertical line marks the {weeks:g}-week requirement. Still at risk: {risk_text}."
        + _alt_note(suppressed)
    )
    return Chart(reg.TIME_TO_LCSPR, title, alt, reg.TIME_TO_LCSPR_CURVE, figure)


def _category_chart(
    tables, labels: Labels, name: str, table: str, title: str, what: str, source: str
) -> Chart:
    frame = _table(tables, table)
    body = frame.loc[
        (frame["harm_category"] != "Total") & ~frame["harm_category"].str.endswith("(all)")
    ]
    total = _shown(frame.loc[frame["harm_category"] == "Total", "n"].iloc[0], "{:.0f}")
    names = [labels.value(table, "harm_category", c) for c in body["harm_category"]]
    n = _numbers(body["n"])
    texts = [_count_and_percent(k, p) for k, p in zip(body["n"], body["pct"])]
    suppressed = any(SUPPRESSED in t for t in texts) or total == SUPPRESSED
    figure, axes = _figure(
        title,
        source,
        _with_note(
            f"Number (percentage) of the {total} LCSPRs about {what}, by category.", suppressed
        ),
    )
    colour = _colours(1)[0]
    y = list(range(len(names)))[::-1]
    bars = axes.barh(y, _heights(n), color=colour, height=0.6)
    axes.bar_label(
        bars,
        labels=["" if k is None else t for k, t in zip(n, texts)],
        padding=4,
        fontsize=11,
        color=TEXT,
    )
    label_suppressed(axes, _centres(bars, n, horizontal=True), horizontal=True)
    axes.set_yticks(y, names)
    axes.set_xlim(0, max([k for k in n if k is not None] + [1]) * 1.25)
    axes.grid(axis="y", visible=False)
    axes.grid(axis="x", visible=True)
    axes.set_xlabel("Number of LCSPRs")
    _whole_numbers(axes.xaxis)
    _finish(figure)
    figure.subplots_adjust(left=0.32)
    parts = [f"{c} {t}" for c, t in zip(names, texts)]
    alt = (
        f"Horizontal bar chart of the {total} LCSPRs about {what}, by category: "
        + "; ".join(parts)
        + "."
        + _alt_note(suppressed)
    )
    return Chart(name, title, alt, table, figure)


def death_categories(tables, labels: Labels, year: int, source: str, settings: dict) -> Chart:
    """Horizontal bars: categories of death."""
    return _category_chart(
        tables,
        labels,
        reg.DEATH_CATEGORIES,
        reg.DEATH_CATEGORIES,
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
        reg.SERIOUS_HARM_CATEGORIES,
        reg.SERIOUS_HARM_CATEGORIES,
        f"Category of serious harm, LCSPRs received in {year}",
        "serious harm",
        source,
    )


# The alt text (and the report's sentence) of a chart with nothing left to draw.
NOTHING_LEFT = (
    "Nothing is left to draw: every figure of this chart is suppressed ({symbol}) to protect "
    "confidentiality. Its table, {table}, shows what can be shown."
)


def nothing_left(chart: Chart) -> bool:
    """True if suppression left the chart no bar to draw (an empty axis).

    Something was suppressed, and no data is drawn: no bar of finite,
    non-zero length and no line through a finite point in data coordinates.
    Reference lines (the median, the expected time: ``axvline``, drawn
    across the axes rather than in data coordinates) are not data.
    """
    import math

    if SUPPRESSED not in chart.alt_text:
        return False
    for axes in chart.figure.axes:
        for patch in axes.patches:
            sides = (patch.get_height(), patch.get_width())
            if all(math.isfinite(s) and s != 0 for s in sides):
                return False
        for line in axes.lines:
            if line.get_transform() != axes.transData:
                continue
            if any(math.isfinite(float(y)) for y in line.get_ydata()):
                return False
    return True


def replaced_by_sentence(chart: Chart, source: str) -> Chart:
    """The chart's title and source with a sentence in place of its empty axis."""
    sentence = NOTHING_LEFT.format(symbol=SUPPRESSED, table=chart.table)
    figure, axes = _figure(chart.title, source)
    axes.set_axis_off()
    axes.text(
        0.5,
        0.5,
        "\n".join(textwrap.wrap(sentence, 70)),
        ha="center",
        va="center",
        fontsize=13,
        color=TEXT,
        transform=axes.transAxes,
    )
    # The sentence first (the report shows it instead of the image), then what was
    # suppressed, as the drawn chart's alt text said.
    return Chart(chart.name, chart.title, f"{sentence} {chart.alt_text}", chart.table, figure)


def _percent_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v:.0f}%")


BUILDERS: dict[str, Callable[..., Chart]] = {
    "age_by_period": age_by_period,
    "death_serious_harm_by_period": death_serious_harm_by_period,
    "lcsprs_by_incident_year": lcsprs_by_incident_year,
    "weeks_incident_to_rapid_review": weeks_incident_to_rapid_review,
    "weeks_rapid_review_to_lcspr": weeks_rapid_review_to_lcspr,
    reg.TIME_TO_LCSPR: time_to_lcspr,
    reg.DEATH_CATEGORIES: death_categories,
    reg.SERIOUS_HARM_CATEGORIES: serious_harm_categories,
}


def draw_charts(
    tables: list[Table], labels: Labels, key_figures: dict, source: str, dpi: int
) -> list[tuple[Chart, bytes, bytes]]:
    """Draw every chart; return each with its PNG and SVG bytes.

    Parameters
    ----------
    tables : list of Table
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
    # No pyplot: a Figure draws on the canvas of each format it is saved in.
    import matplotlib
    import matplotlib.style

    by_name = {t.name: t for t in tables}
    year = int(key_figures["cohort_year"])
    settings = {
        "rr_expected_working_days": key_figures["rr_expected_working_days"],
        "lcspr_expected_weeks": key_figures["lcspr_expected_weeks"],
    }
    out = []
    with matplotlib.style.context("afcharts.afcharts"), matplotlib.rc_context(RC):
        for name in FIGURES:
            chart = BUILDERS[name](by_name, labels, year, source, settings)
            if nothing_left(chart):
                chart = replaced_by_sentence(chart, source)
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
