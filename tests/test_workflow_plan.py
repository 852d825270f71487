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
