"""Provenance of a cohort's results: hashes of inputs and outputs, config, software, command."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import platform
import re
from importlib import metadata
from pathlib import Path

from .determinism import atomic_write_text

PACKAGE = "lcspr-stats"
WITHHELD = "[withheld]"


def cohort_inputs(config: dict, year: int | str) -> list[str]:
    """Every input file of one cohort: its sources (each file once) and the reference tables."""
    from . import config as cfg

    sources = [cfg.input_path(config, source, year) for source in cfg.SOURCES]
    return list(dict.fromkeys(sources)) + [str(p) for p in config["reference"].values()]


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def software_versions() -> dict:
    """Python, this package and every dependency it declares, with installed versions."""
    versions = {"python": platform.python_version(), PACKAGE: _version(PACKAGE)}
    dependencies = {}
    for requirement in metadata.requires(PACKAGE) or []:
        if "extra ==" in requirement:
            continue  # test and lint tools do not make the numbers
        name = re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0]
        dependencies[name] = _version(name)
    versions["dependencies"] = dict(sorted(dependencies.items(), key=lambda kv: kv[0].lower()))
    return versions


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def command_line(argv: list[str], cwd: str | Path | None = None) -> str:
    """The command that ran the workflow, fit to record: no machine-specific program path.

    The program becomes ``snakemake``; arguments that are paths inside
    ``cwd`` are made relative to it, so two clones record the same command.
    """
    cwd = Path(cwd or os.getcwd()).resolve()
    shown = ["snakemake"]
    for arg in argv[1:]:
        if os.path.isabs(arg):
            try:
                arg = str(Path(arg).resolve().relative_to(cwd))
            except ValueError:
                pass
        shown.append(arg)
    return " ".join(shown)


def recorded_config(config: dict) -> dict:
    """The config as recorded: the LCSPR ids of named exclusions are withheld."""
    recorded = copy.deepcopy(dict(config))
    for exclusion in recorded.get("exclusions") or []:
        if "lcspr_id" in exclusion:
            exclusion["lcspr_id"] = WITHHELD
    return recorded


def _files(paths: list[str], relative_to: Path | None = None) -> list[dict]:
    rows = []
    for path in sorted(dict.fromkeys(str(p) for p in paths)):
        shown = path
        if relative_to is not None:
            try:
                shown = Path(path).resolve().relative_to(relative_to.resolve()).as_posix()
            except ValueError:
                pass
        rows.append(
            {"path": shown, "bytes": Path(path).stat().st_size, "sha256": sha256_file(path)}
        )
    return sorted(rows, key=lambda r: r["path"])


def build_manifest(
    year: int,
    config: dict,
    inputs: list[str],
    outputs: list[str],
    results_dir: str | Path,
    command: str,
) -> dict:
    """The manifest of one cohort's results.

    Parameters
    ----------
    year : int
        The cohort year.
    config : dict
        The config the run used.
    inputs : list of str
        Every input file (sources and reference tables), as config names them.
    outputs : list of str
        Every output file of the cohort except the manifest itself.
    results_dir : str or Path
        ``results/<year>``: output paths are recorded relative to it.
    command : str
        The command that ran the workflow (:func:`command_line`).

    Returns
    -------
    dict
        Nothing in it changes between two runs of the same inputs, config and
        software: no times, no absolute paths beyond those the config gives.
    """
    return {
        "cohort_year": int(year),
        "command": command,
        "inputs": _files(inputs),
        "outputs": _files(outputs, Path(results_dir)),
        "config": recorded_config(config),
        "software": software_versions(),
    }


def run_manifest(
    year: int,
    config: dict,
    inputs: list[str],
    outputs: list[str],
    command: str,
    manifest_out: str,
) -> None:
    """Write ``results/<year>/manifest.json`` (see :func:`build_manifest`)."""
    manifest = build_manifest(year, config, inputs, outputs, Path(manifest_out).parent, command)
    atomic_write_text(manifest_out, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
