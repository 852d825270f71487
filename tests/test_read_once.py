"""One real `lcspr-stats run`: each input is read once, and each job loads only what its rule lists.

The run is recorded from inside its own processes (tests/recorder/sitecustomize.py
on PYTHONPATH): every call of ``lcspr_stats.io.read_source``, and for each job the
rule's inputs and the package modules loaded once its stage had run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, config_into, load_default_config

from lcspr_stats import config as cfg
from lcspr_stats.codedeps import PACKAGE_DIR

# Its tests share a module fixture that runs the pipeline: keep them on one xdist worker,
# so that run is made once (pyproject: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("test_read_once")

RECORDER = Path(__file__).resolve().parent / "recorder"


@pytest.fixture(scope="module")
def recorded_run(tmp_path_factory) -> tuple[dict, list[dict]]:
    """`lcspr-stats run` on the bundled cohort, in a fresh folder; its config and record."""
    tmp = tmp_path_factory.mktemp("read_once")
    config = load_default_config()
    for source in config["inputs"].values():
        source["path"] = str(ROOT / source["path"])
    config["reference"] = {k: str(ROOT / v) for k, v in config["reference"].items()}
    configfile = config_into(tmp, config)
    record = tmp / "record.jsonl"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(RECORDER), os.environ.get("PYTHONPATH")])),
        "LCSPR_STATS_TEST_RECORD": str(record),
    }
    command = [str(Path(sys.executable).parent / "lcspr-stats"), "run", "--config", str(configfile)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp / "results" / "2021" / "report.html").is_file()
    lines = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    return config, lines


def test_each_input_is_read_once(recorded_run):
    config, lines = recorded_run
    reads = Counter(tuple(line["read"]) for line in lines if "read" in line)
    expected = {
        (os.path.realpath(cfg.input_path(config, source, 2021)), cfg.input_sheet(config, source))
        for source in cfg.SOURCES
    }
    assert set(reads) == expected  # every source read, and nothing else
    assert {key: n for key, n in reads.items() if n != 1} == {}, "read more than once"
    # ... by the check before the first job, in Snakemake's own process: the jobs took its work.
    readers = {line["pid"] for line in lines if "read" in line}
    jobs = {line["pid"] for line in lines if "rule" in line}
    assert len(readers) == 1 and not readers & jobs


def test_every_job_was_recorded(recorded_run):
    _config, lines = recorded_run
    rules = Counter(line["rule"] for line in lines if "rule" in line)
    assert rules == {
        "analyse": 1,
        "figures": 1,
        "workbook": 1,
        "open_data": 1,
        "report": 1,
        "trends": 1,
    }


def test_each_job_loads_only_package_modules_its_rule_lists(recorded_run):
    """Fails when a stage imports a package module (at the top or inside a function)
    that its rule's computed code inputs (workflow/rules/common.smk: package_code) miss."""
    _config, lines = recorded_run
    package = os.path.realpath(PACKAGE_DIR)
    missing = {}
    for line in lines:
        if "rule" not in line:
            continue
        listed = {p for p in line["inputs"] if p.startswith(package + os.sep)}
        assert listed, f"rule {line['rule']} lists no package code"
        unlisted = sorted(set(line["loaded"]) - listed)
        if unlisted:
            missing[line["rule"]] = [os.path.relpath(p, package) for p in unlisted]
    assert missing == {}
