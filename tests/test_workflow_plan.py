"""The run's plan kept between parses (lcspr_stats.workflow_plan), and the config-section files.

Assumes only the package and its workflow scripts (no run): the plan is worked out from
the registry, the figures and codedeps, then read back from its file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lcspr_stats import workflow_plan as wp
from lcspr_stats.codedeps import script_code
from lcspr_stats.errors import InputError
from lcspr_stats.figures import FIGURES
from lcspr_stats.registry import TIME_TO_LCSPR_BY_YEAR, table_names
from tests.conftest import load_default_config

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "workflow" / "scripts"


def test_the_plan_is_what_the_package_says(tmp_path):
    config = load_default_config()
    plan = wp.workflow_plan(config, SCRIPTS, tmp_path)
    assert plan.tables == table_names(config)
    assert plan.figures == list(FIGURES)
    assert plan.time_to_lcspr_by_year == TIME_TO_LCSPR_BY_YEAR
    assert set(plan.code) == {p.name for p in SCRIPTS.glob("*.py")}
    for script in SCRIPTS.glob("*.py"):
        assert plan.code[script.name] == script_code(script)


def test_a_kept_plan_is_read_back_and_not_worked_out_again(tmp_path, monkeypatch):
    config = load_default_config()
    first = wp.workflow_plan(config, SCRIPTS, tmp_path)
    assert len(list(tmp_path.glob("plan-*.json"))) == 1

    def fail(*_args):
        raise AssertionError("worked out again although nothing changed")

    monkeypatch.setattr(wp, "_work_out", fail)
    assert wp.workflow_plan(config, SCRIPTS, tmp_path) == first


def test_another_config_gets_another_plan(tmp_path):
    config = load_default_config()
    wp.workflow_plan(config, SCRIPTS, tmp_path)
    config["breakdowns"].append(
        {
            "name": "another_breakdown",
            "title": "Another",
            "population": "lcsprs",
            "rows": "review_type",
        }
    )
    plan = wp.workflow_plan(config, SCRIPTS, tmp_path)
    assert "another_breakdown" in plan.tables
    assert len(list(tmp_path.glob("plan-*.json"))) == 2


def test_the_key_changes_with_any_byte_of_the_scripts(tmp_path):
    config = load_default_config()
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "one.py").write_text("from lcspr_stats.trends import run_trends\n")
    before = wp.plan_key(config, scripts)
    (scripts / "one.py").write_text("from lcspr_stats.trends import run_trends  \n")
    assert wp.plan_key(config, scripts) != before


def test_the_key_covers_every_package_file(tmp_path, monkeypatch):
    # A copy of the package stands in for it, so a byte can be changed safely.
    package = tmp_path / "pkg"
    (package / "templates").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    (package / "templates" / "t.j2").write_text("{{ x }}\n")
    monkeypatch.setattr(wp, "PACKAGE_DIR", package)
    config = load_default_config()
    keys = {wp.plan_key(config, SCRIPTS)}
    (package / "templates" / "t.j2").write_text("{{ y }}\n")
    keys.add(wp.plan_key(config, SCRIPTS))
    (package / "a.py").write_text("x = 2\n")
    keys.add(wp.plan_key(config, SCRIPTS))
    assert len(keys) == 3


def test_a_broken_file_is_worked_out_again(tmp_path):
    config = load_default_config()
    wp.workflow_plan(config, SCRIPTS, tmp_path)
    (kept,) = tmp_path.glob("plan-*.json")
    kept.write_text("{not json")
    assert wp.workflow_plan(config, SCRIPTS, tmp_path).tables == table_names(config)
    json.loads(kept.read_text())  # written again, whole


def test_a_folder_that_cannot_be_made_still_gives_the_plan(tmp_path):
    # A file where the folder should be: nothing can be kept (as on a read-only disk).
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("")
    plan = wp.workflow_plan(load_default_config(), SCRIPTS, blocker / "plans")
    assert plan.figures == list(FIGURES)
    assert blocker.is_file()


def test_a_bad_declaration_is_refused_and_not_kept(tmp_path):
    config = load_default_config()
    config["breakdowns"].append(
        {"name": "bad", "title": "Bad", "population": "lcsprs", "rows": "no_such_variable"}
    )
    with pytest.raises(InputError):
        wp.workflow_plan(config, SCRIPTS, tmp_path)
    assert not list(tmp_path.glob("plan-*.json"))


def test_old_plans_are_forgotten(tmp_path):
    config = load_default_config()
    for n in range(wp.KEEP + 3):
        config["release"]["title"] = f"title {n}"
        wp.workflow_plan(config, SCRIPTS, tmp_path)
    assert len(list(tmp_path.glob("plan-*.json"))) == wp.KEEP


def test_parsing_the_workflow_imports_no_pandas():
    """What the Snakefile imports while it is parsed loads neither pandas nor numpy."""
    code = (
        "import sys\n"
        "import lcspr_stats.config, lcspr_stats.guard, lcspr_stats.preflight\n"
        "import lcspr_stats.settings, lcspr_stats.sources, lcspr_stats.workflow_plan\n"
        "import lcspr_stats.manifest, lcspr_stats.errors\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'scipy') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --- the config-section files --------------------------------------------------------------


def test_a_section_file_is_named_by_its_content(tmp_path):
    one = wp.config_section_file({"durations": {"a": 1}}, tmp_path)
    again = wp.config_section_file({"durations": {"a": 1}}, tmp_path)
    other = wp.config_section_file({"durations": {"a": 2}}, tmp_path)
    assert one == again != other
    assert json.loads(Path(one).read_text()) == {"durations": {"a": 1}}


def test_a_section_file_is_never_rewritten(tmp_path):
    path = Path(wp.config_section_file({"strict": False}, tmp_path))
    os.utime(path, (1_000_000_000, 1_000_000_000))
    wp.config_section_file({"strict": False}, tmp_path)
    assert path.stat().st_mtime == 1_000_000_000


# The checked config kept between parses (checked_config_key, remember_ and restore_checked_config).
# Assumes Snakemake's own validate() is what the Snakefile runs on a config it has not seen.


def _snakemake_checked(config: dict) -> dict:
    """What the Snakefile's check leaves: Snakemake's validate fills the schema's defaults."""
    from snakemake.utils import validate

    from lcspr_stats.config import SCHEMA_PATH

    validate(config, str(SCHEMA_PATH))
    return config


def test_a_checked_config_comes_back_exactly(tmp_path):
    raw = load_default_config()
    key = wp.checked_config_key(raw)
    checked = _snakemake_checked(load_default_config())
    assert repr(checked) != repr(raw)  # the check filled defaults: there is something to keep
    wp.remember_checked_config(checked, key, tmp_path)
    fresh = load_default_config()
    assert wp.restore_checked_config(fresh, key, tmp_path)
    # Same values, types and key order (the order of a mapping orders the outputs).
    assert repr(fresh) == repr(checked)


def test_nothing_kept_means_check_it(tmp_path):
    raw = load_default_config()
    assert not wp.restore_checked_config(raw, wp.checked_config_key(raw), tmp_path)
    assert repr(raw) == repr(load_default_config())  # untouched


def test_a_broken_kept_file_means_check_it(tmp_path):
    raw = load_default_config()
    key = wp.checked_config_key(raw)
    (tmp_path / f"checked-{key}.json").write_text("{not json", encoding="utf-8")
    assert not wp.restore_checked_config(raw, key, tmp_path)
    assert repr(raw) == repr(load_default_config())


def _with(config: dict, **changes) -> dict:
    return {**config, **changes}


@pytest.mark.parametrize(
    "edit",
    [
        lambda c: _with(c, cohorts=["2021"]),  # a string, not the year 2021
        lambda c: _with(c, cohorts=[2021.0]),
        lambda c: _with(c, as_at_date=__import__("datetime").date(2021, 12, 31)),
        lambda c: _with(c, as_at_date="2021-12-31"),
        lambda c: dict(reversed(list(c.items()))),  # the same keys in another order
        lambda c: _with(c, release={**c["release"], "title": c["release"]["title"] + " "}),
    ],
    ids=["year-as-string", "year-as-float", "date", "date-as-string", "key-order", "one-space"],
)
def test_the_key_tells_apart_configs_a_check_could_tell_apart(edit):
    config = load_default_config()
    assert config["cohorts"] == [2021] and config["as_at_date"] is None  # what the edits assume
    assert wp.checked_config_key(edit(config)) != wp.checked_config_key(config)


def test_the_key_covers_the_package(tmp_path, monkeypatch):
    package = tmp_path / "pkg" / "schemas"
    package.mkdir(parents=True)
    (package / "config.schema.yaml").write_text("type: object\n")
    monkeypatch.setattr(wp, "PACKAGE_DIR", package.parent)
    config = load_default_config()
    before = wp.checked_config_key(config)
    (package / "config.schema.yaml").write_text("type: object \n")
    assert wp.checked_config_key(config) != before


def test_a_config_json_cannot_hold_is_not_kept(tmp_path):
    import datetime as dt

    checked = _snakemake_checked(load_default_config())
    checked["as_at_date"] = dt.date(2021, 12, 31)  # YAML reads an unquoted date as a date
    wp.remember_checked_config(checked, "k1", tmp_path)
    checked["as_at_date"] = None
    checked[2021] = "a year as a key"  # JSON would bring it back as "2021"
    wp.remember_checked_config(checked, "k2", tmp_path)
    assert not list(tmp_path.glob("checked-*.json"))


def _dry_run(folder: Path, config: dict) -> subprocess.CompletedProcess:
    """Parse and plan the workflow in ``folder`` with ``config`` (its paths made absolute)."""
    import copy

    from tests.conftest import config_into

    config = copy.deepcopy(config)
    for source in config["inputs"].values():
        source["path"] = str(ROOT / source["path"])
    config["reference"] = {k: str(ROOT / v) for k, v in config["reference"].items()}
    path = config_into(folder, config)
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile")]
    command += ["--directory", str(folder), "--configfile", str(path)]
    command += ["--replace-workflow-config", "--cores", "1", "--dry-run"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600)


def _job_stats(output: str) -> list[str]:
    """The table of jobs a dry run plans (rule and count), which prints in a fixed order."""
    lines = output.splitlines()
    start = lines.index("Job stats:")
    end = lines.index("", start)
    return lines[start:end]


def test_a_config_that_fails_is_refused_after_one_that_passed(tmp_path):
    """The same folder: the first config is kept as checked, the broken one still refused."""
    config = load_default_config()
    passed = _dry_run(tmp_path, config)
    assert passed.returncode == 0, passed.stderr[-2000:]
    kept = list((tmp_path / ".snakemake" / "lcspr_stats").glob("checked-*.json"))
    assert len(kept) == 1
    again = _dry_run(tmp_path, config)  # the config put back from what was kept
    assert again.returncode == 0, again.stderr[-2000:]
    assert _job_stats(again.stdout) == _job_stats(passed.stdout)  # the same jobs
    assert _job_stats(passed.stdout)[-1].split() == ["total", "7"]
    config["durations"]["weeks"] = "fortnights"
    refused = _dry_run(tmp_path, config)
    assert refused.returncode == 1
    assert "'fortnights' is not one of ['completed', 'exact']" in refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
