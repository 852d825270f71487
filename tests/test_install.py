"""A plain (not editable) ``pip install .`` runs the workflow from another folder.

The package is built from a copy of the project and installed into a fresh
virtual environment. That environment sees this one's dependencies through a
``.pth`` line naming their folder; the line adds the folder to ``sys.path`` but
does not run the ``.pth`` files in it, so the editable install's pointer to
``src/`` stays out and only the installed copy can be imported. The cohort run
from a temporary folder must give the same results as the run from the
repository (``bundled_run``), byte for byte except ``manifest.json``.

Assumes pip can build the package as ``make`` does (build isolation, setuptools
from the configured index or pip's cache).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT

from lcspr_stats.errors import InputError
from lcspr_stats.workspace import PROJECT_VARIABLE, project_root

# Its tests share a module fixture that runs the pipeline: keep them on one xdist worker,
# so that run is made once (pyproject: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("test_install")


def _run(command: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh environment holding lcspr_stats from ``pip install .``; its python."""
    tmp = tmp_path_factory.mktemp("install")
    # Build from a copy: pip and setuptools write build/ and *.egg-info beside the sources.
    package = tmp / "package"
    package.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, package / name)
    shutil.copytree(
        ROOT / "src",
        package / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    venv = tmp / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    assert site.returncode == 0, site.stderr
    (Path(site.stdout.strip()) / "lcspr_deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    pip = _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
        + [str(package)]
    )
    assert pip.returncode == 0, pip.stdout[-2000:] + pip.stderr[-4000:]
    return python


def test_the_installed_copy_is_imported_not_the_source_tree(installed, tmp_path):
    probe = _run(
        [
            str(installed),
            "-c",
            "import lcspr_stats, sys; print(lcspr_stats.__file__); print(sys.path)",
        ],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert probe.returncode == 0, probe.stderr
    module_file, path = probe.stdout.splitlines()
    assert Path(module_file).is_relative_to(installed.parents[1]), module_file
    assert str(ROOT / "src") not in path


def test_package_data_is_installed(installed, tmp_path):
    probe = _run(
        [
            str(installed),
            "-c",
            "from lcspr_stats import config, input_templates, summary, synth\n"
            "print(len(config.load_schema()['properties']))\n"
            "print(config.SCHEMA_PATH.is_file())\n"
            "print(sorted(input_templates.column_notes()))\n"
            "print((summary.TEMPLATES / 'report.html.j2').is_file())\n"
            "print(synth.load_profile('2021')['cohort_year'])\n",
        ],
        cwd=tmp_path,
    )
    assert probe.returncode == 0, probe.stderr
    n_keys, schema_file, notes, template, year = probe.stdout.splitlines()
    assert int(n_keys) > 10 and schema_file == "True" and template == "True"
    assert "reviews" in notes and year == "2021"


def test_lcspr_stats_run_from_another_folder_gives_the_bundled_results(
    installed, bundled_run, tmp_path
):
    # The bundled cohort's files copied into a folder outside the project: the
    # config's relative paths resolve there, so every output matches the
    # repository's run (whose outputs name the same relative input paths).
    folder = tmp_path / "review"
    shutil.copytree(ROOT / "data" / "raw", folder / "data" / "raw")
    shutil.copytree(ROOT / "data" / "reference", folder / "data" / "reference")
    shutil.copy(ROOT / "config.yaml", folder / "config.yaml")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # The workflow (Snakefile, rules) stays in the project folder; the package is installed.
    env[PROJECT_VARIABLE] = str(ROOT)
    run = _run(
        [str(installed.parent / "lcspr-stats"), "run", "--config", "config.yaml", "--cores", "2"],
        cwd=folder,
        env=env,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = folder / "results" / "2021"
    made = sorted(p.relative_to(results) for p in results.rglob("*") if p.is_file())
    expected = sorted(p.relative_to(bundled_run) for p in bundled_run.rglob("*") if p.is_file())
    assert made == expected
    differ = [
        str(name)
        for name in made
        if (results / name).read_bytes() != (bundled_run / name).read_bytes()
    ]
    # The manifest records the command line, so it differs; nothing else may.
    assert differ == ["manifest.json"]


def test_a_project_variable_naming_no_workflow_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv(PROJECT_VARIABLE, str(tmp_path))
    with pytest.raises(InputError, match=PROJECT_VARIABLE):
        project_root()
    monkeypatch.setenv(PROJECT_VARIABLE, str(ROOT))
    assert project_root() == ROOT
