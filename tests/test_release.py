"""End to end: the workbook, charts, summary and HTML report of the bundled 2021 cohort."""

from __future__ import annotations

import datetime as dt
import html.parser
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import openpyxl
import pandas as pd
import published_2021 as pub
import pytest
from scipy import stats

from lcspr_stats.figures import FIGURES
from lcspr_stats.uncertainty import wilson_interval

YEAR = 2021


@pytest.fixture(scope="module")
def book(bundled_run):
    return openpyxl.load_workbook(bundled_run / f"lcspr_tables_{YEAR}.xlsx")


@pytest.fixture(scope="module")
def contents(bundled_run):
    return pd.read_csv(bundled_run / "tables" / "contents.csv")


def sheet_table(sheet) -> tuple[str, list[str], list[list]]:
    """Title, the one header row, and the data rows of a table sheet."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    title = rows[0][0]
    start = next(i for i, r in enumerate(rows) if i > 0 and sum(v is not None for v in r) >= 2)
    width = sum(v is not None for v in rows[start])
    header = [str(v).split("\n")[0] for v in rows[start][:width]]
    body = [r[:width] for r in rows[start + 1 :] if any(v is not None for v in r)]
    return title, header, body


def note_number(book, text: str) -> int:
    """The number of the note on the Notes sheet that contains ``text``."""
    for number, note in book["Notes"].iter_rows(min_row=4, max_col=2, values_only=True):
        if note and text in note:
            return int(number)
    raise AssertionError(f"no note contains {text!r}")


# --- workbook --------------------------------------------------------------------------


def test_workbook_sheets_are_cover_contents_notes_then_every_table(book, contents):
    expected = ["Cover", "Contents", "Notes"] + [f"Table_{i}" for i in range(1, len(contents) + 1)]
    assert book.sheetnames == expected
    assert len(contents) >= 21  # Tables 1-5, every breakdown and the uncertainty tables


def test_each_table_sheet_has_its_title_and_the_contents_lists_it(book, contents):
    listed = {
        row[0]: row[1]
        for row in book["Contents"].iter_rows(min_row=4, max_col=2, values_only=True)
        if row[0]
    }
    for i, title in enumerate(contents["title"], start=1):
        sheet_title = book[f"Table_{i}"]["A1"].value
        assert sheet_title.startswith(title if title.startswith("Table") else f"Table {i}: ")
        assert title in sheet_title
        assert listed[f"Table_{i}"].strip().endswith(title)


def test_cover_says_what_where_from_and_whom_to_ask(book, key_figures):
    text = "\n".join(str(v) for (v,) in book["Cover"].iter_rows(max_col=1, values_only=True) if v)
    assert f"LCSPRs submitted in {YEAR}" in text
    assert f"{key_figures['n_lcsprs']} local child safeguarding practice reviews" in text
    assert "Source: Synthetic 2021 cohort" in text
    assert "[Contact details to be added before publication]" in text
    assert "[x] = not available" in text and "[z] = not applicable" in text


def test_no_merged_cells_and_one_header_row(book):
    for sheet in book.worksheets:
        assert not sheet.merged_cells.ranges, sheet.title
    for sheet in book.worksheets[3:]:
        _, header, body = sheet_table(sheet)
        assert all(isinstance(h, str) and h for h in header), sheet.title
        # The row under the header is data, not a second header.
        assert any(isinstance(v, int | float) for row in body for v in row), sheet.title


def test_counts_and_percentages_are_numbers_not_text(book):
    pattern = re.compile(r"^\d+ \(\d+%\)$")
    for sheet in book.worksheets[3:]:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and pattern.match(v) for v in row), sheet.title


def test_table3_references_the_2017_exclusion_note(book):
    number = note_number(book, "became a rapid review in May 2019")
    title, header, body = sheet_table(book["Table_3"])
    assert header[:3] == ["Measure", "Statistic", "Weeks"]
    first = [row for row in body if row[1] == "N"]
    assert first[0][0] == f"Incident to rapid review [note {number}]"
    assert first[0][2] == pub.INCIDENT_TO_RR["n"]
    median = [row for row in body if row[1] == "Median"]
    assert [row[2] for row in median] == [pub.INCIDENT_TO_RR["median"], pub.RR_TO_LCSPR["median"]]


@pytest.mark.parametrize("sheet", ["Table_4", "Table_5"])
def test_scr_2017_19_columns_reference_the_two_and_a_half_year_note(book, sheet):
    number = note_number(book, "covers 2.5 years")
    rows = list(book[sheet].iter_rows(values_only=True))
    headings = [h for row in rows for h in row if isinstance(h, str) and "SCRs 2017-19" in h]
    assert headings and all(h.endswith(f"[note {number}]") for h in headings)


def test_table4_and_table5_cells_agree_with_the_key_figures(book, key_figures):
    _, header, body = sheet_table(book["Table_4"])
    rows = {row[0]: dict(zip(header, row)) for row in body}
    for band, n in key_figures["age_band_counts"].items():
        assert rows[band][f"LCSPRs {YEAR}: number"] == n
        assert rows[band][f"LCSPRs {YEAR}: percentage"] == key_figures["age_band_pcts"][band]
        ci = key_figures["age_band_pct_ci"][band]
        assert rows[band][f"LCSPRs {YEAR}: percentage 95% CI lower bound"] == ci["lower"]
    assert rows["Total"][f"LCSPRs {YEAR}: number"] == key_figures["n_index_children"]
    _, header, body = sheet_table(book["Table_5"])
    rows = {row[0]: dict(zip(header, row)) for row in body}
    assert rows["Death"][f"LCSPRs {YEAR}: number"] == key_figures["n_deaths"] == pub.N_DEATHS
    assert rows["Death"][f"LCSPRs {YEAR}: percentage"] == key_figures["pct_deaths"]
    assert (
        rows["Death"][f"LCSPRs {YEAR}: percentage 95% CI upper bound"]
        == (key_figures["pct_deaths_ci"]["upper"])
    )
    assert rows["Death"]["SCRs 2017-19: number"] == "[x]"  # not published
    assert rows["Serious harm"][f"LCSPRs {YEAR}: number"] == key_figures["n_serious_harm"]


def test_table1_and_table2_cells_agree_with_the_key_figures(book, key_figures):
    _, header, body = sheet_table(book["Table_1"])
    counts = {row[0]: row[1] for row in body}
    for year, n in key_figures["incident_year_counts"].items():
        assert counts[year] == n
    _, header, body = sheet_table(book["Table_2"])
    for row in body:
        assert row[1] == key_figures["rr_received_by_year"][str(row[0])]
        assert row[3] == key_figures["pct_commissioned_by_year"][str(row[0])]


def test_workbook_document_date_is_pinned(book):
    assert book.properties.created == dt.datetime(2000, 1, 1)


@pytest.mark.parametrize("ext", ["xlsx", "ods"])
def test_workbook_converts_to_pdf_with_libreoffice(bundled_run, tmp_path, ext):
    # LibreOffice opens the workbook and its ODS copy, every sheet printable.
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc)")
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(bundled_run / f"lcspr_tables_{YEAR}.{ext}"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = tmp_path / f"lcspr_tables_{YEAR}.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())) >= 24  # a page a sheet


# --- uncertainty in the tables --------------------------------------------------------------


def test_wilson_columns_hold_the_intervals_of_their_counts(table):
    t5 = table("table5_death_serious_harm").set_index("category")
    lower, upper = wilson_interval(pub.N_DEATHS, pub.N_LCSPRS)
    assert (
        t5.loc["Death", "lcspr_2021_pct_ci_lower"],
        t5.loc["Death", "lcspr_2021_pct_ci_upper"],
    ) == (
        lower,
        upper,
    )
    timely = table("timeliness")
    n, of, _ = pub.LCSPR_WITHIN_26_WEEKS
    assert tuple(timely[["pct_ci_lower", "pct_ci_upper"]].iloc[1]) == wilson_interval(n, of)
    harm = table("serious_harm_categories").set_index("harm_category")
    assert tuple(harm.loc["neglect", ["pct_ci_lower", "pct_ci_upper"]]) == wilson_interval(
        pub.NEGLECT[0], pub.N_SERIOUS_HARM
    )


def test_median_intervals_contain_the_published_medians(key_figures, table):
    for key, published in (
        ("incident_to_rr_weeks", pub.INCIDENT_TO_RR),
        ("rr_to_lcspr_weeks", pub.RR_TO_LCSPR),
    ):
        ci = key_figures[f"{key}_median_ci"]
        assert ci["lower"] <= published["median"] <= ci["upper"]
        assert published["min"] <= ci["lower"] and ci["upper"] <= published["max"]
    t3 = table("table3_durations")
    medians = t3.loc[t3["statistic"] == "Median", ["ci_lower", "ci_upper"]]
    assert medians.notna().all().all()
    assert t3.loc[t3["statistic"] != "Median", ["ci_lower", "ci_upper"]].isna().all().all()


def test_goodness_of_fit_against_the_latest_scr_period(key_figures, table):
    t4 = table("table4_age")
    body = t4.loc[t4["age_band"] != "Total"]
    expected = body["scr_2017_19_n"] / body["scr_2017_19_n"].sum() * body["lcspr_2021_n"].sum()
    statistic, p_value = stats.chisquare(body["lcspr_2021_n"], expected)
    ages = key_figures["goodness_of_fit"]["age_band"]
    assert ages["reference"] == "SCRs 2017-19"
    assert ages["chi_square"] == pytest.approx(statistic, abs=1e-3)
    assert ages["p_value"] == pytest.approx(p_value, rel=1e-2)
    assert ages["method"] == "chi-square" and ages["min_expected"] >= 5
    harm = key_figures["goodness_of_fit"]["death_serious_harm"]
    expected = [pub.N_LCSPRS * 0.56, pub.N_LCSPRS * 0.44]
    statistic, p_value = stats.chisquare([pub.N_DEATHS, pub.N_SERIOUS_HARM], expected)
    assert harm["chi_square"] == pytest.approx(statistic, abs=1e-3)
    assert harm["p_value"] == pytest.approx(p_value, rel=1e-2)


def test_duration_distribution_counts_the_table3_cases(table):
    bins = table("duration_distribution")
    for measure, published in (
        ("incident_to_rapid_review", pub.INCIDENT_TO_RR),
        ("rapid_review_to_lcspr", pub.RR_TO_LCSPR),
    ):
        rows = bins.loc[bins["measure"] == measure]
        assert rows["n"].sum() == published["n"]
        assert rows.loc[rows["n"] > 0, "weeks_from"].min() <= published["min"]
        assert rows.loc[rows["n"] > 0, "weeks_to"].max() > published["max"]


# --- charts -----------------------------------------------------------------------------------


def test_every_chart_exists_as_png_and_svg(bundled_run):
    for name in FIGURES:
        png = (bundled_run / "figures" / f"{name}.png").read_bytes()
        svg = bundled_run / "figures" / f"{name}.svg"
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000, name
        root = ET.parse(svg).getroot()
        assert root.tag.endswith("svg"), name
        assert b"<dc:date>" not in svg.read_bytes(), name


def test_charts_carry_title_alt_text_and_data_from_the_tables(bundled_run, table):
    manifest = pd.read_csv(bundled_run / "figures" / "figures.csv")
    assert manifest["figure"].tolist() == FIGURES
    assert manifest["alt_text"].str.len().min() > 80
    alt = manifest.set_index("figure")["alt_text"]
    t4 = table("table4_age").set_index("age_band")
    assert f"then {t4.loc['16+', 'lcspr_2021_pct']}% in the 2021 LCSPRs" in alt["age_by_period"]
    for year, n in pub.INCIDENT_YEARS.items():
        assert f"{year}: {n}" in alt["lcsprs_by_incident_year"]
    assert "median, 58 weeks" in alt["weeks_rapid_review_to_lcspr"]
    assert "requirement: 26 weeks" in alt["weeks_rapid_review_to_lcspr"]
    assert "15 working days" in alt["weeks_incident_to_rapid_review"]
    assert f"Maltreatment-related death {pub.MALTREATMENT_DEATHS[0]} (" in alt["death_categories"]


# --- summary ------------------------------------------------------------------------------------


def test_summary_states_the_chapter_1_summary_points(bundled_run):
    text = (bundled_run / "summary.md").read_text(encoding="utf-8")
    under1_pct, older_pct = pub.AGE_BANDS["Under 1"][1], pub.AGE_BANDS["16+"][1]
    for sentence in (
        f"There were {pub.N_LCSPRS} LCSPRs in total, relating to {pub.N_DEATHS} deaths "
        f"({pub.PCT_DEATHS}%) and {pub.N_SERIOUS_HARM} cases of serious harm "
        f"({pub.PCT_SERIOUS_HARM}%).",
        f"The two largest age groups are infants aged under 1, making up {under1_pct}% of the "
        f"cases, and 16-17 year-olds, who make up {older_pct}%.",
        f"The median length of time to complete an LCSPR after the rapid review was "
        f"{pub.RR_TO_LCSPR['median']:.0f} weeks, compared to the statutory requirement of 26 "
        "weeks.",
        f"The longest case took {pub.RR_TO_LCSPR['max']} weeks, over 2.5 years.",
        f"For more in-depth analysis, the researchers selected a purposive sample of "
        f"{pub.SUBSAMPLE['n']} cases.",
        f"This gave a different sub-sample, of {pub.RACE_SUBSAMPLE['n']} cases.",
        f"{pub.LCSPR_WITHIN_26_WEEKS[0]} ({pub.LCSPR_WITHIN_26_WEEKS[2]}%) were completed within "
        "26 weeks",
    ):
        assert sentence in text, sentence
    assert "29.5% to 50.0%" in text  # Wilson interval of the deaths
    assert "SCRs 2017-19" in text and "p = 0.135" in text


# --- HTML report ------------------------------------------------------------------------------


class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.external, self.captions, self.in_caption = [], [], [], False
        self.text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            if re.match(r"^(https?:)?//", value) or (tag in ("script", "link") and value):
                self.external.append(value)
        self.in_caption = tag == "caption"

    def handle_data(self, data):
        self.text.append(data)
        if self.in_caption:
            self.captions.append(data.strip())
            self.in_caption = False


@pytest.fixture(scope="module")
def page(bundled_run):
    parser = _Page()
    parser.feed((bundled_run / "report.html").read_text(encoding="utf-8"))
    return parser


def test_report_is_self_contained(page):
    assert page.external == []
    assert all(img["src"].startswith("data:image/png;base64,") for img in page.images)


def test_report_shows_every_chart_with_its_alt_text(page, bundled_run):
    manifest = pd.read_csv(bundled_run / "figures" / "figures.csv")
    assert [img["alt"] for img in page.images] == manifest["alt_text"].tolist()
    text = " ".join(page.text)
    for alt in manifest["alt_text"]:
        assert alt in text  # also printed under each chart


def test_report_shows_the_summary_every_table_and_the_data_checks(page, contents, bundled_run):
    text = " ".join(" ".join(page.text).split())
    summary = (bundled_run / "summary.md").read_text(encoding="utf-8")
    for line in summary.splitlines():
        if line.startswith("- "):
            assert line[2:] in text
    for i, title in enumerate(contents["title"], start=1):
        shown = title if title.startswith("Table") else f"Table {i}: {title}"
        assert shown in page.captions
    assert "Data quality" in text and "No data-quality problems were found" in text
    reconciliation = pd.read_csv(bundled_run / "reconciliation.csv")
    assert "Rows read, used and excluded, per source" in page.captions
    for reason in reconciliation["reason"].dropna():
        assert reason in text


# --- determinism ------------------------------------------------------------------------------


def test_a_second_run_gives_byte_identical_release_files(bundled_run, second_bundled_run):
    """Workbook, PNG, SVG, HTML (and every other output) are the same bytes on a rerun."""
    second = second_bundled_run
    first_files = sorted(p.relative_to(bundled_run) for p in bundled_run.rglob("*") if p.is_file())
    assert first_files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    kinds = {p.suffix for p in first_files}
    assert {".xlsx", ".png", ".svg", ".html", ".md", ".csv", ".json"} <= kinds
    different = [
        str(p) for p in first_files if (bundled_run / p).read_bytes() != (second / p).read_bytes()
    ]
    assert different == []
