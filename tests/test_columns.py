"""Headings as the sources write them: the config's columns mapping, suggestions, column warnings.

Assumes the bundled cohort (data/raw/synthetic_2021) is written with the
contract's own headings, and the tiny cohort (tests/tiny_cohort.py) too.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, config_into, load_default_config, run_snakemake
from openpyxl import load_workbook
from tiny_cohort import tiny_frames, write_tiny_inputs

from lcspr_stats import cli
from lcspr_stats.columns import apply_mapping, heading_key, similarity
from lcspr_stats.config import check_config
from lcspr_stats.errors import InputError
from lcspr_stats.io import SourceTable, write_xlsx
from lcspr_stats.settings import Settings
from lcspr_stats.validate import clean_source

NBSP = "\u00a0"

# The Panel's way: its own wording, as exported (odd case, padding, non-breaking spaces).
PANEL_HEADINGS = {
    "sins": {
        "sin_id": ("SIN reference", "  SIN REFERENCE "),
        "partnership": ("Safeguarding partnership", f"Safeguarding{NBSP}partnership"),
        "incident_date": ("Date of incident", f"  date  of incident{NBSP}"),
        "notification_date": ("Date notified", "DATE NOTIFIED"),
        "incident_type": ("Type of incident", "Type of  Incident "),
        "child_sex": ("Child's sex", "CHILD'S SEX"),
        "child_age_years": ("Child's age", f"{NBSP}Child's age"),
        "child_ethnicity": ("Child's ethnicity", "child's ethnicity"),
    },
    "rapid_reviews": {
        "rr_id": ("Rapid review reference", "RAPID REVIEW REFERENCE"),
        "sin_id": ("SIN reference", " SIN reference "),
        "rr_date": ("Date rapid review received", f"Date rapid review{NBSP}received"),
        "lcspr_decision": ("LCSPR decision", "  LCSPR  DECISION"),
        "lcspr_received_date": ("Date LCSPR received", "date lcspr  received"),
        "lcspr_publication": ("Publication status", f"PUBLICATION{NBSP}STATUS"),
    },
}
# The coding schedule is the team's own: only re-cased and padded, no mapping needed.
SCHEDULE_SHEETS = ("reviews", "children")
FILES = {
    "sins": "sin_register.xlsx",
    "rapid_reviews": "rapid_review_register.xlsx",
    "reviews": "lcspr_coding_schedule.xlsx",
}
SOURCE_OF_SHEET = {"sins": "sin_register", "rapid_reviews": "rapid_review_register"}


def _rename_headings(path: Path, sheet: str, rename) -> None:
    book = load_workbook(path)
    for cell in book[sheet][1]:
        if cell.value is not None:
            cell.value = rename(str(cell.value))
    book.save(path)


def _panel_style_copies(directory: Path) -> dict:
    """Copies of the bundled workbooks with Panel-style headings; the config's mapping for them."""
    raw = ROOT / "data" / "raw" / "synthetic_2021"
    for name in set(FILES.values()):
        shutil.copy(raw / name, directory / name)
    for sheet, headings in PANEL_HEADINGS.items():
        _rename_headings(directory / FILES[sheet], sheet, lambda h, m=headings: m[h][1])
    for sheet in SCHEDULE_SHEETS:
        # Upper case, words spaced twice and a non-breaking space at the end.
        _rename_headings(
            directory / FILES["reviews"],
            sheet,
            lambda h: "  " + h.upper().replace("_", "  ") + NBSP,
        )
    config = load_default_config()
    for source in config["inputs"]:
        config["inputs"][source]["path"] = str(
            directory / Path(config["inputs"][source]["path"]).name
        )
    for sheet, headings in PANEL_HEADINGS.items():
        config["inputs"][SOURCE_OF_SHEET[sheet]]["columns"] = {
            panel: contract for contract, (panel, _written) in headings.items()
        }
    return config


def test_headings_match_ignoring_case_spaces_and_non_breaking_spaces():
    assert heading_key(f"  Date{NBSP}of   INCIDENT ") == heading_key("date of incident")
    assert heading_key("date of incident") == "date_of_incident"


def test_a_mapping_renames_headings_as_written_and_keeps_them_for_messages():
    frame = pd.DataFrame({"date_of_incident": ["2021-01-01"], "sin_id": ["S1"]})
    table = SourceTable(frame, "f.xlsx", "sins", {"date_of_incident": " DATE OF INCIDENT"})
    mapped = apply_mapping(table, {"Date of incident": "incident_date"})
    assert list(mapped.frame.columns) == ["incident_date", "sin_id"]
    assert mapped.original_columns["incident_date"] == " DATE OF INCIDENT"


def test_two_headings_mapped_onto_one_column_stop_naming_both():
    frame = pd.DataFrame({"date_of_incident": [1], "incident_date": [2]})
    table = SourceTable(frame, "f.xlsx", "sins", {"date_of_incident": "Date of incident"})
    with pytest.raises(InputError, match="'Date of incident' and 'incident_date' would both"):
        apply_mapping(table, {"Date of incident": "incident_date"})


def test_a_mapping_to_an_unknown_contract_column_is_a_config_error():
    config = load_default_config()
    config["inputs"]["sin_register"]["columns"] = {"Date of incident": "incident_dat"}
    with pytest.raises(InputError) as error:
        check_config(config, file="my.yaml")
    text = str(error.value)
    assert text.startswith("file 'my.yaml': inputs.sin_register.columns.Date of incident:")
    assert "'incident_dat' is not a column of the sin_register contract" in text
    assert "did you mean 'incident_date'?" in text


def test_a_missing_required_column_lists_the_headings_and_the_closest(tmp_path):
    frames = tiny_frames()
    sins = frames["sin_register"].rename(columns={"incident_type": "Type of incident"})
    table = SourceTable(
        sins.rename(columns=heading_key).astype(object),
        "sins.xlsx",
        "sins",
        {heading_key(c): c for c in sins.columns},
    )
    settings = Settings.from_config(load_default_config())
    with pytest.raises(InputError) as error:
        clean_source(table, "sin_register", settings)
    text = str(error.value)
    assert "column 'incident_type': required column missing" in text
    assert "the headings found are: 'sin_id', 'partnership', 'incident_date'" in text
    assert "for incident_type, did you mean 'Type of incident'?" in text
    assert text.endswith(
        "add to inputs.sin_register in the config (beside its path and sheet):\n"
        '    columns:\n      "Type of incident": incident_type'
    )


def test_similarity_sees_reordered_and_shortened_headings():
    assert similarity("date_of_incident", "incident_date") == 1.0
    assert similarity("ethnicity", "child_ethnicity") >= 0.75
    assert similarity("notes", "harm_category") < 0.75


def _tiny_config(tmp_path: Path, sins: pd.DataFrame) -> Path:
    config = load_default_config()
    config["exclusions"] = []
    for source, path in write_tiny_inputs(tmp_path).items():
        config["inputs"][source]["path"] = path
    write_xlsx({"sins": sins}, tmp_path / "sin_register.xlsx")
    config["reference"] = {k: str(ROOT / v) for k, v in config["reference"].items()}
    return config_into(tmp_path, config)


def test_validate_warns_of_headings_close_to_optional_columns_and_prints_the_mapping(
    tmp_path, capsys
):
    sins = tiny_frames()["sin_register"].rename(
        columns={"child_sex": "Sex", "child_age_years": "Age", "child_ethnicity": "Ethnicity"}
    )
    configfile = _tiny_config(tmp_path, sins)
    assert cli.main(["validate", "--config", str(configfile)]) == 0
    out = capsys.readouterr().out
    assert "it looks like the optional column 'child_sex'" in out
    assert "\n    inputs.sin_register, beside its path and sheet:\n      columns:\n" in out
    for line in ('"Sex": child_sex', '"Age": child_age_years', '"Ethnicity": child_ethnicity'):
        assert f"        {line}\n" in out
    # The lines work: pasted into the config, the columns are read and the warnings go.
    config = yaml.safe_load(configfile.read_text(encoding="utf-8"))
    config["inputs"]["sin_register"]["columns"] = {
        "Sex": "child_sex",
        "Age": "child_age_years",
        "Ethnicity": "child_ethnicity",
    }
    configfile.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    assert cli.main(["validate", "--config", str(configfile)]) == 0
    out = capsys.readouterr().out
    assert "unknown column" not in out and "Data problems: 1 " in out  # the tiny cohort's own


def test_an_optional_column_empty_in_every_row_is_warned_about(tmp_path):
    sins = tiny_frames()["sin_register"].assign(child_ethnicity=None)
    configfile = _tiny_config(tmp_path, sins)
    config = check_config(yaml.safe_load(configfile.read_text(encoding="utf-8")))
    from lcspr_stats.check import check_inputs, strict_messages

    result = check_inputs(config, 2021)
    rows = result.quality.loc[result.quality["rule"] == "optional column empty"]
    assert rows[["sheet", "column"]].values.tolist() == [["sins", "child_ethnicity"]]
    assert rows["row"].isna().all()
    # A warning about a whole column, not a per-value problem: strict mode lets it be.
    assert strict_messages(result.quality)  # (the tiny cohort's own problem is there)
    assert not [m for m in strict_messages(result.quality) if "child_ethnicity" in m]


def test_the_bundled_cohort_with_panel_headings_gives_identical_figures(tmp_path, bundled_run):
    config = _panel_style_copies(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    configfile = config_into(out, config)
    # (a flag before the target: --configfile would take the target as a second config)
    target = str(out / "results" / "2021" / "key_figures.json")
    result = run_snakemake(configfile, "--keep-going", target)
    assert result.returncode == 0, result.stderr[-4000:]
    renamed = out / "results" / "2021"
    assert json.loads((renamed / "key_figures.json").read_text(encoding="utf-8")) == json.loads(
        (bundled_run / "key_figures.json").read_text(encoding="utf-8")
    )
    tables = sorted(p.name for p in (bundled_run / "tables").glob("*.csv"))
    assert tables and tables == sorted(p.name for p in (renamed / "tables").glob("*.csv"))
    for name in tables:
        assert (renamed / "tables" / name).read_bytes() == (
            bundled_run / "tables" / name
        ).read_bytes(), name
    # No heading was left unread, and the data-quality report is as empty as the bundled one.
    assert (renamed / "data_quality.csv").read_bytes() == (
        bundled_run / "data_quality.csv"
    ).read_bytes()
