"""Provenance of a cohort's results: hashes of inputs and outputs, config, software, command."""

from __future__ import annotations

import copy
import json
import os
import platform
import re
from importlib import metadata
from pathlib import Path

from .determinism import atomic_write_text, sha256_file
from .settings import Settings

PACKAGE = "lcspr-stats"
# Environment variable the workflow hands the command line to the manifest job in.
COMMAND_VARIABLE = "LCSPR_STATS_COMMAND"
WITHHELD = "[withheld]"


def cohort_inputs(config: dict | Settings, year: int | str) -> list[str]:
    """Every input file of one cohort: its sources (each file once) and the reference tables.

    ``config`` is the validated config (the workflow's rules pass theirs) or its Settings.
    """
    return Settings.from_config(config).cohort_inputs(year)


def year_outputs(rules, results_dir: str) -> list[str]:
    """Every output template of the workflow's rules under ``results_dir/{year}/``.

    Only templates whose one wildcard is ``year`` (others cannot be filled
    here; register those in ``COHORT_OUTPUTS``). The manifest itself is left out.
    """
    from snakemake.io import strip_wildcard_constraints

    prefix = f"{results_dir}/{{year}}/"
    found = []
    for rule in rules:
        for output in rule.output:
            # Rules store "{year,\d{4}}" once wildcard_constraints apply.
            template = strip_wildcard_constraints(str(output))
            wildcards = set(re.findall(r"{\s*(\w+)", template))
            if template.startswith(prefix) and wildcards == {"year"}:
                if not template.endswith("/manifest.json"):
                    found.append(template)
    return list(dict.fromkeys(found))


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

    The program is named without its folder (``python -m snakemake`` is
    ``snakemake``); arguments that are paths inside ``cwd`` are made relative
    to it, and other absolute paths are given by file name, so the same
    command run in two clones or two folders records the same.
    """
    cwd = Path(cwd or os.getcwd()).resolve()
    program = Path(argv[0]).name if argv else "snakemake"
    # "python -m snakemake" runs snakemake/__main__.py; a venv's script is "snakemake".
    shown = ["snakemake" if program in ("__main__.py", "snakemake") else program]
    for arg in argv[1:]:
        if os.path.isabs(arg):
            try:
                arg = str(Path(arg).resolve().relative_to(cwd))
            except ValueError:
                # Outside the working folder (a config in a temporary folder): its
                # name only, so the same command run elsewhere records the same.
                arg = Path(arg).name
        shown.append(arg)
    return " ".join(shown)


# Where outputs were written says nothing about how they were made.
OUTPUT_LOCATIONS = ("results_dir", "processed_dir", "logs_dir")


def recorded_config(config: dict) -> dict:
    """The config as recorded: output folders left out, ids of named exclusions withheld.

    ``config`` is a validated config (every exclusion names its ``lcspr_id``).
    """
    recorded = {k: copy.deepcopy(v) for k, v in dict(config).items() if k not in OUTPUT_LOCATIONS}
    # A validated config always has ``exclusions`` (the schema's default is []).
    for exclusion in recorded["exclusions"]:
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
    config: dict | Settings,
    inputs: list[str],
    outputs: list[str],
    command: str,
    manifest_out: str,
) -> None:
    """Write ``results/<year>/manifest.json`` (see :func:`build_manifest`).

    ``config`` is the validated config (or its Settings); the manifest records
    it with every default filled.
    """
    recorded = Settings.from_config(config).config
    manifest = build_manifest(year, recorded, inputs, outputs, Path(manifest_out).parent, command)
    atomic_write_text(manifest_out, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
