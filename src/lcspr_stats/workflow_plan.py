"""What the workflow must know while it is parsed, remembered between runs: the run's plan.

Snakemake parses the Snakefile on every run, a dry run and a no-op rerun
included. The rules need the names of every table of the run (the table
registry's, with the config's declarations), of every chart, and the package
files each job's script can run (:mod:`lcspr_stats.codedeps`, which reads
the whole package's source). Working these out imports pandas and the
registry and parses every module: about 0.7 s, more than the rest of a
no-op rerun. They depend on nothing but the package's own files, the
workflow's scripts and the config, so :func:`workflow_plan` keeps them in a
small JSON file under ``.snakemake/lcspr_stats/`` keyed by a SHA-256 of all
of those, and works them out again whenever any byte of them changes.

The file holds names of tables and charts and paths of the package's files:
nothing from the data. If it cannot be written (a read-only folder), the
plan is worked out every time, as before.

Beside the plans it keeps the config as it left the schema check
(:func:`restore_checked_config`), so a config that passed is not checked
again, and the parts of the config each job reads
(:func:`config_section_file`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: Where the plans are kept, under the folder Snakemake runs in.
CACHE_DIR = Path(".snakemake") / "lcspr_stats"
#: Where the config-section files are kept (:func:`config_section_file`).
SECTIONS_DIR = CACHE_DIR / "sections"
#: Plans kept (one per config and code); older ones are removed.
KEEP = 16
#: Bump when the plan's shape changes, so an older file is never read as a newer one.
FORMAT = 1


@dataclass(frozen=True)
class Plan:
    """The names and code lists the rules are written from.

    Attributes
    ----------
    tables : list of str
        Every table of the run, in report order (``results/<year>/tables/*.csv``).
    figures : list of str
        Every chart of a cohort, in report order.
    time_to_lcspr_by_year : str
        The Kaplan-Meier table by year of rapid review (a trends input).
    code : dict of str to list of str
        Per script file name, the package files it can run or read.
    """

    tables: list[str]
    figures: list[str]
    time_to_lcspr_by_year: str
    code: dict[str, list[str]]


def _work_out(config: dict, scripts: list[Path]) -> Plan:
    """The plan from the package itself (imports pandas and the registry)."""
    from .codedeps import script_code
    from .figures import FIGURES
    from .registry import TIME_TO_LCSPR_BY_YEAR, table_names

    return Plan(
        tables=table_names(config),
        figures=list(FIGURES),
        time_to_lcspr_by_year=TIME_TO_LCSPR_BY_YEAR,
        code={script.name: script_code(script) for script in scripts},
    )


def _files_digest(digest: hashlib._Hash, folder: Path, pattern: str) -> None:
    """Feed every file under ``folder`` matching ``pattern`` (path and bytes) into ``digest``."""
    for path in sorted(folder.rglob(pattern)):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(str(path).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")


def plan_key(config: dict, scripts_dir: Path) -> str:
    """A SHA-256 of everything the plan depends on: the config, the package, the scripts.

    Parameters
    ----------
    config : dict
        The run's config as Snakemake holds it.
    scripts_dir : Path
        The workflow's ``scripts`` folder.
    """
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\0{sys.version}\0".encode())
    digest.update(json.dumps(config, sort_keys=True, default=str).encode("utf-8"))
    _files_digest(digest, PACKAGE_DIR, "*")
    _files_digest(digest, Path(scripts_dir), "*.py")
    return digest.hexdigest()


def _read(path: Path) -> Plan | None:
    try:
        return Plan(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _write(path: Path, plan: Plan) -> None:
    """Keep a plan (:func:`_write_text`)."""
    _write_text(path, json.dumps(plan.__dict__, sort_keys=True), "plan-*.json")


def _write_text(path: Path, text: str, pattern: str) -> None:
    """Write atomically (parallel runs may race); forget the oldest of ``pattern``; never fail."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(text)
        os.replace(handle.name, path)
        kept = sorted(path.parent.glob(pattern), key=lambda p: p.stat().st_mtime)
        for old in kept[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def workflow_plan(config: dict, scripts_dir: str | Path, cache_dir: str | Path = CACHE_DIR) -> Plan:
    """The run's plan: from the cache when config, package and scripts are unchanged.

    Parameters
    ----------
    config : dict
        The run's validated config.
    scripts_dir : str or Path
        The workflow's ``scripts`` folder (each ``*.py`` gets its code list).
    cache_dir : str or Path
        Where plans are kept (``.snakemake/lcspr_stats`` of the folder the run starts in).

    Returns
    -------
    Plan
        Worked out afresh if nothing matching is kept.

    Raises
    ------
    InputError
        A table declaration in the config names an unknown variable or category
        (such a plan is never kept).
    """
    scripts_dir = Path(scripts_dir)
    path = Path(cache_dir) / f"plan-{plan_key(config, scripts_dir)}.json"
    plan = _read(path) if path.is_file() else None
    if plan is None:
        plan = _work_out(config, sorted(scripts_dir.glob("*.py")))
        _write(path, plan)
    return plan


def checked_config_key(config: dict) -> str:
    """A SHA-256 of the config as read, before any check, and of all that checks it.

    That is the package (its schema and its checks), Python, Snakemake and
    jsonschema (Snakemake's ``validate``): a change of any of them gives another key.

    Parameters
    ----------
    config : dict
        The run's config as ``configfile:`` (and any ``--config``) left it.
    """
    from importlib.metadata import version

    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\0checked\0{sys.version}\0".encode())
    for tool in ("snakemake", "jsonschema"):
        digest.update(f"{tool} {version(tool)}\0".encode())
    # repr, not JSON: it tells 2021 from "2021" and a date from a string, and keeps the
    # order of keys (which orders the outputs).
    digest.update(repr(config).encode("utf-8") + b"\0")
    _files_digest(digest, PACKAGE_DIR, "*")
    return digest.hexdigest()


def restore_checked_config(config: dict, key: str, cache_dir: str | Path = CACHE_DIR) -> bool:
    """Put back the checked form of a config that passed the schema check before.

    A config passes or fails the schema by its content alone, so one that
    passed, with the same package and tools (``key``), passes again, and
    checking it again costs a no-op rerun the import of jsonschema and two
    validations. What was kept is the config after the check, with the
    schema's defaults filled in by Snakemake's ``validate``; this replaces
    ``config``'s content with it, so every later step sees exactly what a
    checked run sees.

    Parameters
    ----------
    config : dict
        The run's config, as read; changed in place when a checked form is kept.
    key : str
        :func:`checked_config_key` of ``config`` as read.
    cache_dir : str or Path
        Where it is kept (``.snakemake/lcspr_stats`` of the folder the run starts in).

    Returns
    -------
    bool
        True if a checked form was kept and put back; False: check the config.
    """
    path = Path(cache_dir) / f"checked-{key}.json"
    try:
        checked = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(checked, dict):
        return False
    config.clear()
    config.update(checked)
    return True


def remember_checked_config(config: dict, key: str, cache_dir: str | Path = CACHE_DIR) -> None:
    """Keep the config after it passed the check (:func:`restore_checked_config`).

    Kept only when JSON holds it exactly (a config with a date in it, say, is
    checked on every run). It holds the config's own keys and paths, nothing
    from the data. Never fails: if it cannot be written, the next run checks again.

    Parameters
    ----------
    config : dict
        The config after the schema check (defaults filled).
    key : str
        :func:`checked_config_key` of the config as it was read, before the check.
    cache_dir : str or Path
        Where it is kept.
    """
    try:
        text = json.dumps(config)
    except (TypeError, ValueError):
        return
    # Back exactly as it was, key order and types included (repr tells 2021 from "2021").
    if repr(json.loads(text)) != repr(config):
        return
    _write_text(Path(cache_dir) / f"checked-{key}.json", text, "checked-*.json")


def config_section_file(sections: dict, folder: str | Path) -> str:
    """The file holding the parts of the config one job reads, named by their digest.

    A job lists this file among its inputs, so editing a part it reads
    reruns it (and what depends on it), and editing any other part does not.
    The name is a SHA-256 of the content: a changed part gives a new file,
    and Snakemake reruns a job whose set of inputs changed (and whose input
    is newer than its outputs); an unchanged part gives the same file, which
    is never rewritten. So a dry run with another config writes a file of its
    own and changes nothing a run with this config sees.

    Snakemake's ``params`` would do the same, but checking a job's params
    imports pandas (to hash a frame, had one been given), about 0.45 s of
    every run, a no-op rerun included.

    Parameters
    ----------
    sections : dict
        The parts of the config (``{"durations": {...}, ...}``), JSON-serialisable.
    folder : str or Path
        Where the files are kept (:data:`SECTIONS_DIR`, under the folder the run starts in).

    Returns
    -------
    str
        The file's path.
    """
    text = json.dumps(sections, sort_keys=True, indent=1, default=str) + "\n"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    path = Path(folder) / f"sections-{digest}.json"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(text)
        os.replace(handle.name, path)
    return str(path)
