"""A new cohort's workspace: its config keeps the base's settings and comments."""

from __future__ import annotations

import shutil

import yaml
from conftest import ROOT, load_default_config

from lcspr_stats.config import load_config
from lcspr_stats.workspace import init_workspace, render_config

BASE = """\
# Old header line one
# old header line two

# Years to report.
cohorts: [2021]
# Where things go.
results_dir: results   # aggregates
exclusions:
  - lcspr_id: X
    statistic: rr_to_lcspr
    reason: because
# For example: a kept comment

# Rounding.
percent_rounding: half_up
"""


def test_render_config_replaces_values_and_keeps_every_comment():
    text = render_config(
        BASE,
        {"cohorts": "cohorts: [2022]", "exclusions": "exclusions: []", "logs_dir": "logs_dir: x"},
        "# New header",
    )
    assert text.startswith("# New header\n\n# Years to report.\ncohorts: [2022]\n")
    assert "Old header" not in text
    assert "# Where things go.\nresults_dir: results   # aggregates\n" in text
    assert "exclusions: []\n" in text and "lcspr_id: X" not in text
    # Comments belonging to the next key stay with it; a missing key is appended.
    assert "# Rounding.\npercent_rounding: half_up\n" in text
    assert text.rstrip().endswith("logs_dir: x")
    assert yaml.safe_load(text) == {
        "cohorts": [2022],
        "results_dir": "results",
        "exclusions": [],
        "percent_rounding": "half_up",
        "logs_dir": "x",
    }


def test_init_from_last_years_config_keeps_its_codebook_and_reference_files(tmp_path):
    base_dir = tmp_path / "review-2022"
    shutil.copytree(ROOT / "data" / "reference", base_dir / "ref")
    config = load_default_config()
    config["codebook"]["synonyms"]["lad"] = "male"
    config["reference"] = {k: f"ref/{v.split('/')[-1]}" for k, v in config["reference"].items()}
    config["durations"]["weeks"] = "exact"
    (base_dir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

    written = init_workspace(tmp_path / "review-2023", 2023, base_dir / "config.yaml")
    new = load_config(tmp_path / "review-2023" / "config.yaml")
    assert new["cohorts"] == [2023] and new["exclusions"] == []
    assert new["codebook"]["synonyms"]["lad"] == "male"
    assert new["durations"]["weeks"] == "exact"
    assert new["reference"]["scr_periods"] == "reference/scr_periods.csv"
    copied = tmp_path / "review-2023" / "reference"
    for name in ("scr_age_bands.csv", "scr_death_serious_harm.csv", "scr_periods.csv", "README.md"):
        assert (copied / name).read_bytes() == (ROOT / "data" / "reference" / name).read_bytes()
    assert tmp_path / "review-2023" / "inputs" / "2023" / "sin_register.xlsx" in written


def test_new_workspace_does_not_call_its_data_synthetic(tmp_path):
    init_workspace(tmp_path, 2022)
    config = yaml.safe_load((tmp_path / "config.yaml").read_text(encoding="utf-8"))
    assert config["release"]["data_notice"] == ""
    assert "synthetic" not in config["release"]["source"].lower()
    # the rest of the release block is kept from the base
    assert config["release"]["title"] == load_default_config()["release"]["title"]
    text = (tmp_path / "config.yaml").read_text(encoding="utf-8")
    assert "# Source line under every table and chart." in text
