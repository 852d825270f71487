"""Config checks its schema cannot make: YAML alias bombs, whole-number years, safe folders.

Run by :func:`lcspr_stats.config.check_config` (so by every ``lcspr-stats``
command), by the Snakefile before Snakemake parses ``config.yaml``
(:func:`exit_on_unsafe_yaml`), and while the workflow is parsed
(:func:`exit_on_unsafe_config`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml

from .errors import InputError

# libyaml's scanner when PyYAML has it: the check runs on every parse of the workflow.
SCANNER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: A config is a few kilobytes; a larger file is not one.
MAX_CONFIG_BYTES = 1 << 20
#: YAML aliases (``*name``) a config may use; a "billion laughs" bomb needs many.
MAX_CONFIG_ALIASES = 100
#: The folders a run writes, in the order they are checked.
FOLDER_KEYS = ("results_dir", "processed_dir", "logs_dir")


def check_yaml_text(path: str | Path) -> None:
    """Refuse a config file too large, or with too many aliases, before it is parsed.

    PyYAML shares an aliased node rather than copying it, so parsing a bomb
    is quick, but anything that then walks the config (a schema check, a
    deep copy, writing it out) expands it exponentially and hangs. Counting
    the alias tokens needs only the scanner, which is linear in the text.

    Raises
    ------
    InputError
        Naming the file, its size or its number of aliases, and the limit.
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        return  # reported as missing by the caller
    size = path.stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise InputError(
            f"config file is {size} bytes, over the limit of {MAX_CONFIG_BYTES}; refused",
            file=file,
        )
    try:
        text = path.read_text(encoding="utf-8")
        aliases = sum(isinstance(t, yaml.AliasToken) for t in yaml.scan(text, Loader=SCANNER))
    except (yaml.YAMLError, UnicodeDecodeError):
        return  # the parser reports it in its own words
    if aliases > MAX_CONFIG_ALIASES:
        raise InputError(
            f"config uses {aliases} YAML aliases (*name), over the limit of "
            f"{MAX_CONFIG_ALIASES}; refused as a possible alias bomb",
            file=file,
        )


def check_run_config(config: dict, *, file: str = "config") -> None:
    """Refuse what the schema lets through: years such as 2021.0, unsafe folders.

    Raises
    ------
    InputError
        Naming the key and what it must be (the first problem found).
    """
    # Called once the schema's defaults are filled (check_config, Snakemake's validate).
    for position, year in enumerate(config["cohorts"]):
        if not isinstance(year, int) or isinstance(year, bool):
            raise InputError(
                f"cohorts.{position}: {year!r} is not a whole number; write the year "
                "without a decimal point",
                file=file,
            )
    for position, year in enumerate(config["rapid_review_years"]):
        if not isinstance(year, int) or isinstance(year, bool):
            raise InputError(
                f"rapid_review_years.{position}: {year!r} is not a whole number; write the "
                "year without a decimal point",
                file=file,
            )
    dates = config["plausible_dates"]
    earliest, latest = dates["earliest_year"], dates["latest_year"]
    if earliest > latest:
        raise InputError(
            f"plausible_dates: earliest_year {earliest} is after latest_year {latest}",
            file=file,
        )
    problem = folder_problem(config)
    if problem:
        raise InputError(problem, file=file)


def folder_problem(config: dict) -> str | None:
    """What is unsafe about the folders a run writes, or None.

    ``results_dir`` is what gets published: it may not be the root folder or
    a home folder, and ``processed_dir`` (the unmasked data-quality report,
    the clean frames) and ``logs_dir`` may not be it, nor inside it, nor
    around it. Every folder must be writable (the nearest folder that exists).
    """
    folders = {}
    for key in FOLDER_KEYS:
        if config.get(key):
            folders[key] = Path(os.path.abspath(os.path.expanduser(str(config[key]))))
    results = folders.get("results_dir")
    if results is not None:
        if results == Path(results.anchor):
            return (
                f"results_dir: '{config['results_dir']}' is the root folder; give the "
                "results a folder of their own"
            )
        if results == Path.home().resolve() or results == Path.home():
            return (
                f"results_dir: '{config['results_dir']}' is the home folder; give the results "
                "a folder of their own"
            )
        for key in ("processed_dir", "logs_dir"):
            other = folders.get(key)
            if other is None:
                continue
            if other == results:
                return (
                    f"{key}: '{config[key]}' is the same folder as results_dir; keep it apart "
                    "(results_dir is for publication)"
                )
            if results in other.parents:
                return (
                    f"{key}: '{config[key]}' is inside results_dir '{config['results_dir']}'; "
                    "keep it apart (results_dir is for publication)"
                )
            if other in results.parents:
                return (
                    f"results_dir: '{config['results_dir']}' is inside {key} '{config[key]}'; "
                    "keep them apart"
                )
    for key, folder in folders.items():
        existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
        if existing is not None and (not existing.is_dir() or not os.access(existing, os.W_OK)):
            why = "is a file" if not existing.is_dir() else "cannot be written to"
            return f"{key}: '{config[key]}' {why} ('{existing}'); choose a folder you can write to"
    return None


def exit_on_unsafe_yaml(paths: list[str | Path]) -> None:
    """For the Snakefile, before ``configfile:``: stop on a config file that is a YAML bomb."""
    for path in paths:
        try:
            check_yaml_text(path)
        except InputError as error:
            print(f"ERROR {error.render()}", file=sys.stderr)
            sys.exit(1)


def exit_on_unsafe_config(config: dict) -> None:
    """While the workflow is parsed: stop on what the schema let through (one line, exit 1)."""
    import copy

    from .config import _fill_defaults, load_schema

    filled = copy.deepcopy(dict(config))
    _fill_defaults(filled, load_schema())  # a config of an older version lacks newer keys
    try:
        check_run_config(filled)
    except InputError as error:
        print(f"ERROR {error.render()}", file=sys.stderr)
        sys.exit(1)
