"""The lcspr-stats command: help, clear one-line errors, validate's summary, synth, report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, config_into, load_default_config
from tiny_cohort import tiny_frames, write_tiny_inputs

from lcspr_stats import cli
from lcspr_stats.io import write_xlsx
from lcspr_stats.synth import FILES

COMMANDS = ["init", "validate", "run", "synth", "report", "check-release"]


def tiny_config(tmp_path: Path, **changes) -> Path:
    config = load_default_config()
    config["exclusions"] = []
    for source, path in write_tiny_inputs(tmp_path).items():
        config["inputs"][source]["path"] = path
    # The CLI resolves relative paths against the config's folder.
    config["reference"] = {k: str(ROOT / v) for k, v in config["reference"].items()}
    config.update(changes)
    return config_into(tmp_path, config)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as done:
        cli.main([command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: lcspr-stats {command}" in out
    assert "examples:" in out and f"lcspr-stats {command}" in out.split("examples:")[1]


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "lcspr-stats"
    result = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


def test_no_command_prints_usage_and_exits_2(capsys):
    assert cli.main([]) == cli.EXIT_USAGE
    assert "usage: lcspr-stats" in capsys.readouterr().err


def test_a_missing_config_is_one_line_and_exit_1(capsys, tmp_path):
    status = cli.main(["validate", "--config", str(tmp_path / "nope.yaml")])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("lcspr-stats: error: file '") and "config file not found" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_config_breaking_its_schema_is_named(capsys, tmp_path):
    path = tmp_path / "config.yaml"
    config = load_default_config()
    config["percent_rounding"] = "nearest"
    path.write_text(yaml.safe_dump(config))
    assert cli.main(["run", "--config", str(path)]) == 1
    err = capsys.readouterr().err
    assert "percent_rounding: 'nearest' is not one of" in err and "Traceback" not in err


def test_an_internal_error_is_one_line_not_a_traceback(capsys, monkeypatch, tmp_path):
    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "cmd_report", broken)
    assert cli.main(["report"]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: boom); run with --debug" in err
    assert "Traceback" not in err


def test_validate_summarises_rows_problems_by_rule_and_where_they_are(tmp_path, capsys):
    configfile = tiny_config(tmp_path)
    frames = tiny_frames()
    reviews = frames["reviews"].copy()
    reviews.loc[1, "published"] = "publishd"  # spreadsheet row 3
    reviews["date_submitted"] = reviews["date_submitted"].astype(object)
    reviews.loc[2, "date_submitted"] = "31/02/2021"  # row 4: no such date
    write_xlsx(
        {"reviews": reviews, "children": frames["children"]},
        tmp_path / "lcspr_coding_schedule.xlsx",
    )
    status = cli.main(["validate", "--config", str(configfile)])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "reviews" in out and "       5  " in out  # rows read per source
    assert "LCSPRs submitted in 2021: 3" in out
    assert "unknown code" in out and "unparseable date" in out
    assert "a second rapid review for the same SIN" in out
    assert (
        f"{tmp_path}/lcspr_coding_schedule.xlsx, sheet 'reviews', row 3, column 'published': "
        "'publishd' unknown code (row kept; value set to missing)"
    ) in out


def test_validate_fails_on_a_fatal_problem_naming_file_sheet_and_column(tmp_path, capsys):
    configfile = tiny_config(tmp_path)
    frames = tiny_frames()
    write_xlsx(
        {"sins": frames["sin_register"].drop(columns=["notification_date"])},
        tmp_path / "sin_register.xlsx",
    )
    assert cli.main(["validate", "--config", str(configfile)]) == 1
    err = capsys.readouterr().err
    assert "sheet 'sins', column 'notification_date': required column missing" in err
    assert "Traceback" not in err


def test_validate_in_strict_mode_makes_value_problems_fatal(tmp_path, capsys):
    configfile = tiny_config(tmp_path, strict=True)
    assert cli.main(["validate", "--config", str(configfile)]) == 1
    assert "strict mode: 1 data problem found" in capsys.readouterr().err


def test_a_cohort_without_lcsprs_stops_the_run_before_any_job(tmp_path, capsys):
    config = load_default_config()
    config["cohorts"] = [2020, 2021]
    # Relative paths resolve against the config's folder: point them at the bundled data.
    for source in config["inputs"].values():
        source["path"] = str(ROOT / source["path"])
    config["reference"] = {k: str(ROOT / v) for k, v in config["reference"].items()}
    configfile = config_into(tmp_path, config)
    assert cli.main(["run", "--config", str(configfile)]) == 1
    err = capsys.readouterr().err
    assert "column 'date_submitted': no LCSPR was submitted in 2020" in err
    # The check moved from the CLI (which no longer reads any input) into the
    # workflow's check before its first job: its one message, then the log's path.
    assert "remove 2020 from 'cohorts'" in err and err.count("\n") == 2 and "full log:" in err
    assert not (tmp_path / "results").exists()
    assert not (tmp_path / "processed").exists(), "no job ran"


def test_run_names_a_missing_input_file(tmp_path, capsys):
    configfile = tiny_config(tmp_path)
    (tmp_path / "sin_register.xlsx").unlink()
    assert cli.main(["run", "--config", str(configfile)]) == 1
    err = capsys.readouterr().err
    assert f"file '{tmp_path}/sin_register.xlsx': file not found" in err


def test_run_names_a_missing_reference_file(tmp_path, capsys):
    config = yaml.safe_load(tiny_config(tmp_path).read_text())
    config["reference"]["scr_periods"] = "data/reference/scr_periods.csv"
    configfile = tmp_path / "config.yaml"
    configfile.write_text(yaml.safe_dump(config))
    assert cli.main(["run", "--config", str(configfile)]) == 1
    err = capsys.readouterr().err
    assert "file 'data/reference/scr_periods.csv': file not found" in err
    assert "relative paths resolve against the config's folder" in err


def test_run_reports_a_stage_error_in_one_line_and_leaves_no_results(tmp_path, capsys):
    config = yaml.safe_load(tiny_config(tmp_path).read_text())
    config["inputs"]["rapid_review_register"]["sheet"] = "reviews_received"
    configfile = tmp_path / "config.yaml"
    configfile.write_text(yaml.safe_dump(config))
    assert cli.main(["run", "--config", str(configfile), "--cores", "1"]) == 1
    out, err = capsys.readouterr()
    assert "sheet 'reviews_received': sheet not found; the file has: rapid_reviews" in err
    assert "full log:" in err and "Traceback" not in err + out
    results = tmp_path / "results"
    assert not results.exists() or not any(p.is_file() for p in results.rglob("*"))


def test_synth_profile_2021_writes_the_committed_calibrated_files(tmp_path, capsys):
    assert cli.main(["synth", "--profile", "2021", str(tmp_path)]) == 0
    for name in FILES:
        committed = ROOT / "data" / "raw" / "synthetic_2021" / name
        assert (tmp_path / name).read_bytes() == committed.read_bytes()
    assert "84 LCSPRs" in capsys.readouterr().out


def test_synth_year_is_repeatable_per_seed_and_refuses_to_overwrite(tmp_path, capsys):
    first, again, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert cli.main(["synth", "--year", "2023", "--seed", "5", str(first)]) == 0
    assert cli.main(["synth", "--year", "2023", "--seed", "5", str(again)]) == 0
    assert cli.main(["synth", "--year", "2023", "--seed", "6", str(other)]) == 0
    for name in FILES:
        assert (first / name).read_bytes() == (again / name).read_bytes()
    assert (first / "sin_register.xlsx").read_bytes() != (other / "sin_register.xlsx").read_bytes()
    capsys.readouterr()
    assert cli.main(["synth", "--year", "2023", str(first)]) == 1
    assert "pass --force to overwrite" in capsys.readouterr().err
    assert cli.main(["synth", "--year", "2023", str(first), "--force"]) == 0


def test_synth_needs_a_year_or_a_profile(tmp_path, capsys):
    assert cli.main(["synth", str(tmp_path)]) == 1
    assert "give --year YEAR" in capsys.readouterr().err
    assert cli.main(["synth", "--profile", "2021", "--year", "2022", str(tmp_path)]) == 1
    assert "calibrated to the 2021 cohort" in capsys.readouterr().err


def test_report_prints_the_html_path_or_says_there_is_none(tmp_path, capsys):
    configfile = tiny_config(tmp_path)
    assert cli.main(["report", "--config", str(configfile)]) == 1
    err = capsys.readouterr().err
    assert "no HTML report for 2021" in err and "lcspr-stats run" in err
    page = tmp_path / "results" / "2021" / "report.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html></html>")
    (page.parent / "another.html").write_text("<html></html>")
    assert cli.main(["report", "--config", str(configfile)]) == 0
    assert capsys.readouterr().out.strip() == str(page)


def test_run_shows_every_problem_of_a_message_listing_several(tmp_path, capsys):
    configfile = tiny_config(tmp_path, strict=True)
    assert cli.main(["run", "--config", str(configfile), "--cores", "1"]) == 1
    err = capsys.readouterr().err
    assert "lcspr-stats: error: strict mode: 1 data problem found:\n  " in err
    assert "sheet 'rapid_reviews', row 5, column 'sin_id': a second rapid review" in err
