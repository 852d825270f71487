"""Charts with figures suppressed by disclosure control: left out, labelled [c], same bytes."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import load_default_config

from lcspr_stats.figures import draw_charts
from lcspr_stats.presentation import SUPPRESSED
from lcspr_stats.publish import read_key_figures, read_labels, read_release_tables
from lcspr_stats.settings import Settings

C = SUPPRESSED


@pytest.fixture(scope="module")
def suppressed_tables(bundled_run):
    """The bundled tables with [c] where disclosure control would put it in a small cohort."""
    folder = bundled_run / "tables"
    tables = read_release_tables(folder, folder / "contents.csv", folder / "notes.csv")
    by_name = {t.name: t.frame for t in tables}
    t5 = by_name["table5_death_serious_harm"]
    t5["lcspr_2021_pct"] = t5["lcspr_2021_pct"].astype(object)
    t5.loc[t5["category"] != "Total", "lcspr_2021_pct"] = C
    t3 = by_name["table3_durations"]
    t3["value"] = t3["value"].astype(object)
    t3.loc[t3["measure"] == "rapid_review_to_lcspr", "value"] = C
    bins = by_name["duration_distribution"]
    bins["n"] = bins["n"].astype(object)
    bins.loc[bins["n"].between(1, 4) & (bins["measure"] == "incident_to_rapid_review"), "n"] = C
    bins.loc[bins["measure"] == "rapid_review_to_lcspr", "n"] = C
    deaths = by_name["death_categories"]
    deaths["n"] = deaths["n"].astype(object)
    deaths.loc[deaths["harm_category"].isin(["Total", "homicide", "other"]), "n"] = C
    t1 = by_name["table1_year_of_incident"]
    t1["n"] = t1["n"].astype(object)
    t1.loc[t1["year_of_incident"].isin(["2017", "Not known"]), "n"] = C
    return tables, read_key_figures(bundled_run / "key_figures.json")


def draw(tables, key_figures):
    settings = Settings.from_config(load_default_config())
    return draw_charts(tables, read_labels(settings, 2021), key_figures, "Source", 60)


def test_suppressed_values_are_left_out_and_the_alt_text_says_so(suppressed_tables):
    charts = {chart.name: chart for chart, _png, _svg in draw(*suppressed_tables)}
    alt = {name: chart.alt_text for name, chart in charts.items()}
    assert "LCSPRs 2021 [c] death, [c] serious harm" in alt["death_serious_harm_by_period"]
    assert "SCRs 2017-19 56% death, 44% serious harm" in alt["death_serious_harm_by_period"]
    assert "2017: [c]" in alt["lcsprs_by_incident_year"]
    assert "The year is not known for [c] LCSPRs." in alt["lcsprs_by_incident_year"]
    assert "Homicide [c]; " in alt["death_categories"]
    assert "of the [c] LCSPRs about a death" in alt["death_categories"]
    assert "for [c] LCSPRs" in alt["weeks_rapid_review_to_lcspr"]
    assert "The median is suppressed ([c])" in alt["weeks_rapid_review_to_lcspr"]
    assert "Bins with a suppressed count ([c], not drawn):" in alt["weeks_incident_to_rapid_review"]
    for name in ("death_serious_harm_by_period", "lcsprs_by_incident_year", "death_categories"):
        assert "suppressed to protect confidentiality" in alt[name], name
    assert "[c]%" not in " ".join(alt.values())
    # No bar is drawn for a suppressed count; its place is labelled [c].
    axes = charts["death_categories"].figure.axes[0]
    labelled = [t.get_text() for t in axes.texts]
    assert labelled.count(C) == 2
    widths = [bar.get_width() for bar in axes.patches]
    assert sorted(widths)[:2] == [0.0, 0.0] and all(w > 0 for w in sorted(widths)[2:])


def test_charts_with_suppressed_values_are_the_same_bytes_every_time(suppressed_tables):
    first = draw(*suppressed_tables)
    second = draw(*suppressed_tables)
    assert [(png, svg) for _c, png, svg in first] == [(png, svg) for _c, png, svg in second]


def test_a_chart_with_nothing_left_after_suppression_is_a_sentence(suppressed_tables, bundled_run):
    """Every bin of the rapid-review-to-LCSPR distribution is [c] in these tables."""
    from lcspr_stats.figures import NOTHING_LEFT
    from lcspr_stats.report import ChartFile, render_report, report_context

    charts = {chart.name: chart for chart, _png, _svg in draw(*suppressed_tables)}
    empty = charts["weeks_rapid_review_to_lcspr"]
    sentence = NOTHING_LEFT.format(symbol=C, table=empty.table)
    assert empty.alt_text.startswith(sentence + " ")
    drawn = [t for a in empty.figure.axes for t in a.texts]
    assert any(t.get_text().replace("\n", " ") == sentence for t in drawn)
    assert len(empty.figure.axes[0].patches) == 0  # no empty axis, no bars
    # A chart with a bar left is drawn as before.
    assert not charts["weeks_incident_to_rapid_review"].alt_text.startswith("Nothing")

    # The report shows the sentence in place of the image.
    settings = Settings.from_config(load_default_config())
    tables, key_figures = suppressed_tables
    files = [
        ChartFile(c.name, c.title, c.alt_text, c.table, b"png", "a.png", "a.svg") for c in [empty]
    ]
    quality = pd.read_csv(bundled_run / "data_quality.csv")
    recon = pd.read_csv(bundled_run / "reconciliation.csv")
    context = report_context(
        tables,
        read_labels(settings, 2021),
        files,
        [],
        key_figures,
        quality,
        recon,
        settings.release,
        "book.xlsx",
    )
    [chart] = context["charts"]
    assert chart["nothing_left"] is True
    html = render_report(context)
    assert f"<p>{sentence}" in html.replace("&#39;", "'")
    assert chart["src"] not in html
