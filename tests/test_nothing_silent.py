"""Nothing silent: run --force, strict mode in the jobs, the closing summary, check-release."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
import yaml
from broken_inputs import LEFT_OUT, frames, run_in_process, set_cell, write_cohort
from conftest import ROOT

from lcspr_stats import cli
from lcspr_stats import release_check as rc
from lcspr_stats.config import SOURCES, check_config
from lcspr_stats.errors import InputError
from lcspr_stats.stages import run_derive, run_ingest


def cohort_config(folder: Path, *changes) -> Path:
    """The tiny cohort (tests/broken_inputs.py) with ``changes`` applied, its config written.

    Reference paths point at the repository's (the CLI resolves relative paths
    against the config's folder); outputs go under ``folder``.
    """
    data = frames()
    for change in changes:
        change(data)
    config = write_cohort(folder, data)
    config["reference"] = {k: str(ROOT / v) for k, v in config["reference"].items()}
    for key, name in (("results_dir", "results"), ("processed_dir", "processed")):
        config[key] = str(folder / name)
    config["logs_dir"] = str(folder / "logs")
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


IMPOSSIBLE = set_cell("reviews", 3, "date_submitted", "31/02/2021")
SUMMARY_IMPOSSIBLE = [
    "Summary:",
    "  Data problems: 2",
    f"    {'unparseable date':<60}{1:>6}",
    f"    {'a second rapid review for the same SIN':<60}{1:>6}",
    "  LCSPRs left out: 1 of 2021 (no valid date_submitted)",
    "  Exclusions that matched nothing: none",
    "  Unknown columns: none",
]


def test_validate_ends_with_the_summary_and_says_the_lcspr_leaves_the_cohort(tmp_path, capsys):
    path = cohort_config(tmp_path, IMPOSSIBLE)
    assert cli.main(["validate", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"unparseable date ({LEFT_OUT})" in out
    lines = out.splitlines()
    start = lines.index("Summary:")
    assert lines[start : start + len(SUMMARY_IMPOSSIBLE)] == SUMMARY_IMPOSSIBLE
    assert lines[start + len(SUMMARY_IMPOSSIBLE)] == (
        "  Every problem, with its file, sheet, row and column: "
        f"{tmp_path}/results/2021/data_quality.csv (after a run)"
    )
    # No cell value in the summary: the bad date is not repeated there.
    assert "31/02/2021" not in "\n".join(lines[start:])


def test_the_summary_lists_unknown_columns_and_says_none_when_clean(tmp_path, capsys):
    def extra(data):
        data["sin_register"]["notes"] = "free text"

    def one_review_per_sin(data):  # the tiny cohort's own problem, removed
        data["rapid_review_register"] = data["rapid_review_register"].iloc[:3]

    path = cohort_config(tmp_path / "a", extra)
    assert cli.main(["validate", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "  Unknown columns (not used): 1: 'notes' (sins)" in out
    assert "free text" not in out

    path = cohort_config(tmp_path / "b", one_review_per_sin)
    assert cli.main(["validate", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "  Data problems: none\n  LCSPRs left out: none\n" in out
    assert "Every problem" not in out  # nothing to point to


def test_an_unmatched_exclusion_stops_validate_naming_its_key_path(tmp_path, capsys):
    path = cohort_config(tmp_path)
    config = yaml.safe_load(path.read_text())
    config["exclusions"] = [
        {"lcspr_id": "L3", "statistic": "incident_to_rr", "reason": "fine"},
        {"lcspr_id": "L33", "statistic": "rr_to_lcspr", "reason": "a typo"},
    ]
    path.write_text(yaml.safe_dump(config))
    assert cli.main(["validate", "--config", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "  Exclusions that matched nothing: 1 (listed below)" in out
    assert err.startswith(
        f"lcspr-stats: error: file '{path}': exclusions[2].lcspr_id 'L33' matches no LCSPR "
        "of cohort 2021, so it would exclude nothing; the closest lcspr_ids are in file "
        f"'{tmp_path}/lcspr_coding_schedule.xlsx', sheet 'reviews', row"
    )
    # The id the user typed is theirs; the data's ids are given as rows only.
    assert "'L3'" not in err and "'L1'" not in err


def test_run_force_reruns_every_job(tmp_path, monkeypatch, capsys):
    """Assumes only the Snakemake command line matters: the run itself is stubbed."""
    path = cohort_config(tmp_path)
    commands = []

    def fake(command, cwd, log_path, on_line):
        commands.append(command)
        return 0

    monkeypatch.setattr(cli, "stream_snakemake", fake)
    assert cli.main(["run", "--config", str(path), "--force"]) == 0
    assert cli.main(["run", "--config", str(path)]) == 0
    assert "--forceall" in commands[0] and "--forceall" not in commands[1]


def test_run_ends_with_the_summary_of_what_it_wrote(tmp_path, monkeypatch, capsys):
    """The stub writes the cohort's results as the workflow's stages do (in this process)."""
    path = cohort_config(tmp_path, IMPOSSIBLE)
    config = yaml.safe_load(path.read_text())

    def fake(command, cwd, log_path, on_line):
        run_in_process(tmp_path, config)
        return 0

    monkeypatch.setattr(cli, "stream_snakemake", fake)
    assert cli.main(["run", "--config", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("Summary:")
    assert lines[start : start + len(SUMMARY_IMPOSSIBLE)] == SUMMARY_IMPOSSIBLE
    assert lines[start + len(SUMMARY_IMPOSSIBLE)] == (
        f"  Every problem, with its file, sheet, row and column: "
        f"{tmp_path}/results/2021/data_quality.csv"
    )
    assert lines[start + len(SUMMARY_IMPOSSIBLE) + 1] == "Results:"


def test_the_derive_job_applies_strict_mode_itself(tmp_path):
    """Without the check before the first job (as with --no-hooks), strict is still applied."""
    config = check_config(write_cohort(tmp_path))
    processed = tmp_path / "processed"
    frames_out = {s: str(processed / f"{s}.pkl") for s in SOURCES}
    quality = [str(processed / f"{s}.quality.csv") for s in SOURCES]
    for source, out in zip(SOURCES, quality):
        run_ingest(source, 2021, config, frames_out[source], out)
    strict = dict(copy.deepcopy(config), strict=True)
    with pytest.raises(InputError, match=r"^strict mode: 1 data problem found:"):
        run_derive(2021, strict, frames_out, quality, *(str(tmp_path / n) for n in "abcd"))


# --- check-release -------------------------------------------------------------------------


def released(tmp_path: Path, *changes, **settings) -> tuple[Path, dict]:
    """A run of the tiny cohort written in this process, with a manifest as a run leaves."""
    path = cohort_config(tmp_path, *changes)
    config = yaml.safe_load(path.read_text())
    config.update(settings)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    run_in_process(tmp_path, config)
    (tmp_path / "results" / "2021" / "manifest.json").write_text("{}")
    return path, check_config(config)


def test_check_release_names_each_problem_and_exits_1(tmp_path, capsys):
    path, _ = released(tmp_path)
    assert cli.main(["check-release", "--config", str(path)]) == 1
    out, err = capsys.readouterr()
    lines = [line.strip() for line in out.splitlines()[1:]]
    assert [line.split(":")[0] for line in lines] == [
        "placeholder",  # release.contact of config.yaml
        "synthetic notice",  # release.source
        "synthetic notice",  # release.data_notice
        "disclosure control",
        "data problems",  # the tiny cohort's second rapid review, strict off
    ]
    assert lines[0] == (
        "placeholder: release.contact still holds template text; write the real contact in "
        "the config"
    )
    assert err == "lcspr-stats: error: 5 problems to put right before these results are shared\n"


def test_check_release_passes_a_release_put_right(tmp_path, capsys):
    def one_review_per_sin(data):
        data["rapid_review_register"] = data["rapid_review_register"].iloc[:3]

    path, config = released(
        tmp_path,
        one_review_per_sin,
        disclosure_control={"enabled": True, "threshold": 3},
        strict=True,
    )
    config["release"].update(
        source="The coding schedule of the review team", contact="stats@example.org"
    )
    config["release"]["data_notice"] = ""
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    # The config was edited after the run: the results are older than it.
    past = (tmp_path / "results" / "2021" / "manifest.json").stat().st_mtime - 60
    os.utime(path, (past, past))
    assert cli.main(["check-release", "--config", str(path)]) == 0
    assert "No problem found: the results can be shared." in capsys.readouterr().out


def test_check_release_finds_stale_results_and_identifiers(tmp_path):
    path, config = released(tmp_path)
    results = tmp_path / "results" / "2021"
    assert rc.stale_results(config, tmp_path, results.parent, path) == []
    later = results.joinpath("manifest.json").stat().st_mtime + 60
    os.utime(tmp_path / "sin_register.xlsx", (later, later))
    [stale] = rc.stale_results(config, tmp_path, results.parent, path)
    assert stale.message.startswith(f"{results}/ is older than {tmp_path}/sin_register.xlsx;")

    assert rc.identifiers_found(config, results.parent, tmp_path / "processed") == []
    # A partnership name of the inputs pasted into the summary is found, and not repeated.
    with open(results / "summary.md", "a", encoding="utf-8") as summary:
        summary.write("\nThanks to P three.\n")
    [found] = rc.identifiers_found(config, results.parent, tmp_path / "processed")
    assert found.message.startswith(f"{results}/summary.md holds an id or partnership name")
    assert "P three" not in found.render()


@pytest.mark.parametrize(
    ("control", "expected"),
    [
        ({"enabled": False, "threshold": 5}, "disclosure_control.enabled is false"),
        ({"enabled": True, "threshold": 2}, "disclosure_control.threshold is 2"),
        ({"enabled": True, "threshold": 3}, None),
    ],
)
def test_check_release_wants_disclosure_control_with_threshold_3_or_more(control, expected):
    found = rc.disclosure({"disclosure_control": control})
    assert [f.message.split(";")[0].split(",")[0] for f in found] == (
        [expected] if expected else []
    )


def test_the_bundled_cohort_may_say_it_is_synthetic():
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    assert rc.is_bundled_cohort(config, ROOT, ROOT)
    assert rc.synthetic_notice(config, ROOT, ROOT) == []
    assert not rc.is_bundled_cohort(config, ROOT, None)


def test_gitignore_keeps_release_archives_and_config_copies_out():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "report.zip" in ignored and "config-*.yaml" in ignored
