"""Confidentiality and safety: no ids in results, real data git-ignored, no formulas."""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest
from conftest import ROOT, load_default_config
from scan_outputs import needles, scan

from lcspr_stats.check import check_inputs
from lcspr_stats.confidential import mask_quality
from lcspr_stats.config import check_config
from lcspr_stats.safety import neutralise_formulas, neutralise_text
from lcspr_stats.settings import Settings
from lcspr_stats.stages import write_csv

# The bundled config's as-at date (31 December 2021): stated by the release itself.
AS_AT = Settings.from_config(check_config(load_default_config())).as_at()


@pytest.fixture(scope="module")
def bundled_inputs():
    """The bundled cohort's clean input frames (what the scan looks for)."""
    return check_inputs(check_config(load_default_config()), 2021).frames


def test_results_hold_no_id_name_or_date_from_the_inputs(bundled_run, bundled_inputs):
    found = needles(bundled_inputs, public_dates=[AS_AT])
    assert len(found) > 5000  # ids, partnership names, and every date in every spelling
    assert sorted(p.name for p in bundled_run.iterdir())  # there is something to scan
    assert scan(bundled_run, found) == []


def test_the_scan_finds_what_it_looks_for(bundled_run, bundled_inputs, tmp_path):
    copy = tmp_path / "results"
    shutil.copytree(bundled_run, copy)
    reviews = bundled_inputs["reviews"]
    lcspr_id = reviews["lcspr_id"].iloc[0]
    submitted = reviews["date_submitted"].iloc[0]
    partnership = reviews["partnership"].iloc[0]
    with open(copy / "tables" / "notes.csv", "a", encoding="utf-8") as handle:
        handle.write(f"x,y,9,{lcspr_id} of {partnership} on {submitted:%d/%m/%Y}\n")
    hits = scan(copy, needles(bundled_inputs, public_dates=[AS_AT]))
    assert len(hits) == 3
    assert all(h.startswith("tables/notes.csv") for h in hits)


def test_unmasked_data_quality_stays_outside_results(bundled_run):
    unmasked = bundled_run.parents[1] / "processed" / "2021" / "data_quality_unmasked.csv"
    assert unmasked.exists()
    assert not list(bundled_run.rglob("*unmasked*"))


# --- masking the data-quality report --------------------------------------------------


def quality_rows(*rows):
    return pd.DataFrame(
        [("in.xlsx", "s", i + 2, c, v, "rule", "action") for i, (c, v) in enumerate(rows)],
        columns=["file", "sheet", "row", "column", "value", "rule", "action"],
    )


def test_mask_shows_only_valid_values_and_describes_the_rest():
    """Issue 14: an unknown value is never shown; its length and kinds of character are."""
    codebook = Settings.from_config(load_default_config()).codebook
    quality = quality_rows(
        ("incident_type", "explosion"),  # an unknown code: described
        ("incident_type", "deaht"),  # a near miss: described, with the code it is near
        ("Child Age Years", "19"),  # header as written in the file: a number, shown
        ("sin_id", "S404"),  # an id: withheld
        ("partnership", "Leeds"),  # free text: withheld
        ("rr_date", "31/02/2021"),  # a date column: withheld
        ("incident_type", "12 March 2020"),  # a date typed in a code column: withheld
        ("child_sex", "44259"),  # an Excel serial in a code column: withheld
        ("published", "L1"),  # an id typed in a code column: withheld
        ("methodology", "Mr Smith's review of the case at home with family"),  # free text
        ("harm_category", "homicide"),  # a valid code (of another incident type): shown
        ("is_index_child", "True"),  # a valid yes/no: shown
        ("child_sex", "Jayden"),  # a child's name in a sex cell: described
        ("notes", ""),  # an unknown column: no value
    )
    masked = mask_quality(quality, codebook, {"l1", "s404", "leeds"})
    assert masked["value"].tolist() == [
        "[withheld: 9 characters, letters]",
        "[withheld: 5 characters, letters; nearest code 'death']",
        "19",
        "[withheld: 4 characters, letters and digits]",
        "[withheld: 5 characters, letters]",
        "[withheld: 10 characters, digits and other characters]",
        "[withheld: 13 characters, letters, digits and spaces]",
        "[withheld: 5 characters, digits]",
        "[withheld: 2 characters, letters and digits]",
        "[withheld: 49 characters, letters, spaces and other characters]",
        "homicide",
        "True",
        "[withheld: 6 characters, letters]",
        "",
    ]
    assert masked.drop(columns="value").equals(quality.drop(columns="value"))


# --- formula injection ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, written",
    [
        ("=1+2", "'=1+2"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("-3", "-3"),  # a plain number is not a formula
        ("+4.5", "+4.5"),
        ("1-5", "1-5"),
        ("Under 1 week", "Under 1 week"),
    ],
)
def test_text_cells_are_neutralised(text, written):
    assert neutralise_text(text) == written


def test_write_csv_neutralises_every_text_cell(tmp_path):
    frame = pd.DataFrame(
        {"label": ["=cmd|' /C calc'!A0", "ok"], "n": [-1, 2], "note": [None, "@x"]}
    )
    write_csv(frame, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False)
    assert back["label"].tolist() == ["'=cmd|' /C calc'!A0", "ok"]
    assert back["n"].tolist() == ["-1", "2"]  # numbers stay numbers
    assert back["note"].tolist() == ["", "'@x"]
    assert neutralise_formulas(back).equals(back)  # idempotent


def test_no_output_cell_starts_a_formula(bundled_run):
    for path in bundled_run.rglob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in frame.columns:
            risky = frame[column].str.match(r"[=+\-@\t\r]") & ~frame[column].str.fullmatch(
                r"[+-]?\d+(\.\d+)?"
            )
            assert not risky.any(), (path.name, column)


# --- real data stays out of git ------------------------------------------------------------

IGNORED = [
    "data/raw/2022/sin_register.xlsx",
    "data/raw/2022/lcspr_coding_schedule.sav",
    "data/raw/real_sins.csv",
    "data/raw/synthetic_2021/extra_notes.csv",
    "data/raw/synthetic_2021/lcspr_coding_schedule.ods",
    "data/processed/2021/data_quality_unmasked.csv",
    "data/processed/2021/lcsprs.pkl",
    "results/2021/key_figures.json",
    "logs/2021/analyse.log",
    "sin_register_2022.xlsx",
    "data/rapid_reviews.csv",
    "reviews.sav",
    "elsewhere/anything.zsav",
]
KEPT = [
    "data/raw/synthetic_2021/sin_register.xlsx",
    "data/raw/synthetic_2021/rapid_review_register.xlsx",
    "data/raw/synthetic_2021/lcspr_coding_schedule.xlsx",
    "data/raw/synthetic_2021/README.md",
    "data/raw/README.md",
    "data/reference/scr_age_bands.csv",
    "results/.gitkeep",
    "config.yaml",
]


def ignored(paths: list[str]) -> set[str]:
    """The paths the repository's .gitignore ignores (git itself, or pathspec without git)."""
    git = shutil.which("git")
    if git and (ROOT / ".git").exists():
        result = subprocess.run(
            [git, "check-ignore", "--no-index", "--stdin"],
            cwd=ROOT,
            input="\n".join(paths),
            capture_output=True,
            text=True,
        )
        assert result.returncode in (0, 1), result.stderr
        return set(result.stdout.split())
    import pathspec

    spec = pathspec.GitIgnoreSpec.from_lines((ROOT / ".gitignore").read_text().splitlines())
    return {p for p in paths if spec.match_file(p)}


def test_gitignore_keeps_real_data_out():
    assert ignored(IGNORED) == set(IGNORED)


def test_gitignore_keeps_the_synthetic_cohort_and_reference_data_in():
    assert ignored(KEPT) == set()


def test_committed_data_is_only_synthetic():
    git = shutil.which("git")
    if not git or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        [git, "ls-files", "data"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    raw = [p for p in tracked if p.startswith("data/raw/")]
    assert raw and all(
        p == "data/raw/README.md" or p.startswith("data/raw/synthetic_2021/") for p in raw
    )


def test_identifier_found_as_whole_words_only():
    from lcspr_stats.confidential import contains_identifier

    ids = frozenset({"sin-000123", "north partnership", "ab"})
    assert contains_identifier("see sin-000123 here", ids)
    assert contains_identifier("north partnership", ids)
    assert not contains_identifier("xsin-0001234", ids)
    assert not contains_identifier("northern partnership", ids)
    assert not contains_identifier("ab", ids)  # under 3 characters: equality only
