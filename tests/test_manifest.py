"""Provenance: the manifest hashes every input and output; two runs give identical bytes."""

from __future__ import annotations

import hashlib
import json
from importlib import metadata

from conftest import ROOT

from lcspr_stats.manifest import WITHHELD, command_line, recorded_config


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_hashes_every_output(bundled_run):
    manifest = json.loads((bundled_run / "manifest.json").read_text(encoding="utf-8"))
    on_disk = {
        p.relative_to(bundled_run).as_posix(): p
        for p in bundled_run.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    recorded = {o["path"]: o for o in manifest["outputs"]}
    assert set(recorded) == set(on_disk)  # every output of the cohort, nothing else
    for path, entry in recorded.items():
        assert entry["sha256"] == sha256(on_disk[path]), path
        assert entry["bytes"] == on_disk[path].stat().st_size


def test_manifest_hashes_every_input(bundled_run):
    manifest = json.loads((bundled_run / "manifest.json").read_text(encoding="utf-8"))
    recorded = {i["path"]: i["sha256"] for i in manifest["inputs"]}
    assert set(recorded) == {
        "data/raw/synthetic_2021/sin_register.xlsx",
        "data/raw/synthetic_2021/rapid_review_register.xlsx",
        "data/raw/synthetic_2021/lcspr_coding_schedule.xlsx",
        "data/reference/scr_age_bands.csv",
        "data/reference/scr_death_serious_harm.csv",
        "data/reference/scr_periods.csv",
    }
    for path, digest in recorded.items():
        assert digest == sha256(ROOT / path)


def test_manifest_records_config_software_and_command(bundled_run):
    manifest = json.loads((bundled_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["cohort_year"] == 2021
    assert manifest["config"]["cohorts"] == [2021]
    assert manifest["config"]["codebook"]["sex"] == ["male", "female", "other", "not known"]
    assert {e["lcspr_id"] for e in manifest["config"]["exclusions"]} == {WITHHELD}
    assert not {"results_dir", "processed_dir", "logs_dir"} & set(manifest["config"])
    software = manifest["software"]
    assert software["lcspr-stats"] == metadata.version("lcspr-stats")
    for name in ("pandas", "snakemake", "scipy", "python-calamine", "pandera", "defusedxml"):
        assert software["dependencies"][name] == metadata.version(name)
    assert manifest["command"] == "snakemake --cores 2 --configfile config.yaml"
    assert "python" not in manifest["command"].split()[0]
    text = (bundled_run / "manifest.json").read_text()
    assert str(ROOT) not in text  # no path of this clone


def test_command_line_is_the_same_in_every_clone(tmp_path):
    argv = ["/opt/x/.venv/bin/snakemake", "--cores", "2", "--configfile", str(tmp_path / "c.yaml")]
    assert command_line(argv, tmp_path) == "snakemake --cores 2 --configfile c.yaml"
    assert command_line(["snakemake", "-n"], tmp_path) == "snakemake -n"
    # A config outside the working folder is named by its file name alone.
    outside = ["/x/snakemake/__main__.py", "--configfile", "/elsewhere/run1/config.yaml"]
    assert command_line(outside, tmp_path) == "snakemake --configfile config.yaml"


def test_recorded_config_leaves_the_config_itself_alone():
    config = {"exclusions": [{"lcspr_id": "L1", "statistic": "rr_to_lcspr", "reason": "r"}]}
    assert recorded_config(config)["exclusions"][0]["lcspr_id"] == WITHHELD
    assert config["exclusions"][0]["lcspr_id"] == "L1"


def test_two_runs_give_byte_identical_outputs(bundled_run, second_bundled_run):
    """Run the same command again from nothing: every result, manifest too, is identical.

    The second run (a session fixture shared with test_release) is in another
    folder, so the first stays whole for the other tests.
    """
    first = {
        p.relative_to(bundled_run).as_posix(): p.read_bytes()
        for p in bundled_run.rglob("*")
        if p.is_file()
    }
    second = {
        p.relative_to(second_bundled_run).as_posix(): p.read_bytes()
        for p in second_bundled_run.rglob("*")
        if p.is_file()
    }
    assert set(second) == set(first)
    assert [name for name in first if first[name] != second[name]] == []


def test_the_manifest_covers_every_cohort_output_of_every_rule():
    """Outputs a rule writes into results/<year>/ are hashed even if not registered."""
    from types import SimpleNamespace

    from lcspr_stats.manifest import year_outputs

    rules = [
        SimpleNamespace(
            output=["results/{year,\\d{4}}/tables/a.csv", "results/{year,\\d{4}}/manifest.json"]
        ),
        SimpleNamespace(
            output=["results/{year}/figures/{name}.png", "data/processed/{year}/x.pkl"]
        ),
        SimpleNamespace(output=["results/{year}/b.json"]),
    ]
    assert year_outputs(rules, "results") == [
        "results/{year}/tables/a.csv",
        "results/{year}/b.json",
    ]
