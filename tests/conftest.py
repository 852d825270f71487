"""Shared fixtures: the repository root, configs, and a pipeline run on the bundled cohort."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import settings

from lcspr_stats.config import with_output_dirs

ROOT = Path(__file__).resolve().parents[1]

# In CI the property tests draw the same examples every run, so a red build is
# always reproducible; locally they keep exploring (and remember failures).
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
sys.path.insert(0, str(Path(__file__).resolve().parent))


def load_default_config() -> dict:
    """The repository's config.yaml, parsed."""
    return yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))


def run_snakemake(configfile: Path, *extra: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the workflow as a user would, in a subprocess."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--cores",
            "2",
            "--configfile",
            str(configfile),
            *extra,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def config_into(tmp: Path, config: dict) -> Path:
    """Point a config's outputs into ``tmp`` and write it there (``tmp/config.yaml``)."""
    path = tmp / "config.yaml"
    path.write_text(
        yaml.safe_dump(with_output_dirs(config, tmp), sort_keys=False), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="session")
def default_config() -> dict:
    return load_default_config()


def shared_folder(tmp_path_factory, name: str, make) -> Path:
    """A folder made once per test session by ``make(folder)``, shared by every xdist worker.

    Each worker of ``pytest -n`` is its own process with its own session, so
    a session fixture would otherwise run the pipeline once per worker. The
    first worker to get here makes the folder under a lock in the temporary
    folder all workers share; the others wait for it and take it. Tests must
    only read what is in it (copy it to change anything).
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the workers' common base folder
    folder = root / f"shared-{name}"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / ".made"
        if not done.exists():
            if folder.exists():  # a worker that failed to make it
                shutil.rmtree(folder)
            folder.mkdir()
            make(folder)
            done.write_text("made\n")
    return folder


def run_bundled(folder: Path) -> None:
    """The whole pipeline on the bundled cohort, as a user runs it, writing into ``folder``."""
    result = run_snakemake(config_into(folder, load_default_config()))
    assert result.returncode == 0, result.stderr[-4000:]


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory) -> Path:
    """Run the whole pipeline once on the bundled cohort; return results/2021."""
    return shared_folder(tmp_path_factory, "bundled", run_bundled) / "results" / "2021"


@pytest.fixture(scope="session")
def second_bundled_run(tmp_path_factory, bundled_run) -> Path:
    """The same command again from nothing, in another folder; return its results/2021.

    For the tests that every output of a run is byte-identical on a rerun.
    """
    return shared_folder(tmp_path_factory, "bundled-again", run_bundled) / "results" / "2021"


@pytest.fixture(scope="session")
def key_figures(bundled_run) -> dict:
    return json.loads((bundled_run / "key_figures.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def table(bundled_run):
    """Read one table CSV of the bundled run by name."""

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(bundled_run / "tables" / f"{name}.csv")

    return read
