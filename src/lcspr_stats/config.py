"""Loading and checking the run's configuration against its JSON schema."""

from __future__ import annotations

import copy
import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .sources import SOURCES  # noqa: F401 - the source names, declared in sources.py

# libyaml's safe loader when PyYAML has it (five times faster), else the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The schema ships inside the package (package data), so a plain ``pip install .``
# finds it as well as an editable one. SCHEMA_PATH is the same file as a path, for
# Snakemake's validate() in the Snakefile: one schema for the CLI and the workflow.
SCHEMA_NAME = "lcspr_stats/schemas/config.schema.yaml"
SCHEMA = resources.files("lcspr_stats").joinpath("schemas", "config.schema.yaml")
SCHEMA_PATH = Path(str(SCHEMA))

# Where a run writes, and the folder each goes in under a base folder.
OUTPUT_DIRS = {"results_dir": "results", "processed_dir": "processed", "logs_dir": "logs"}


def load_schema(path: str | Path | None = None) -> dict:
    """The config JSON schema (draft 2020-12) as a dict.

    Parameters
    ----------
    path : str or Path, optional
        A schema file to read instead of the packaged one (:data:`SCHEMA`).

    Returns
    -------
    dict
        The parsed schema.
    """
    if path is not None:
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    # Read once per process (a run's parse asks several times); each caller gets its own copy.
    return copy.deepcopy(_packaged_schema())


@functools.cache
def _packaged_schema() -> dict:
    return yaml.load(SCHEMA.read_text(encoding="utf-8"), Loader=SAFE_LOADER)


def check_config(config: dict, schema: dict | None = None, *, file: str = "config") -> dict:
    """Validate ``config`` against the schema, filling defaults.

    Parameters
    ----------
    config : dict
        The parsed config.yaml.
    schema : dict, optional
        The schema; defaults to the packaged one (:func:`load_schema`).
    file : str
        How the message names the config (its path, when read from a file).

    Returns
    -------
    dict
        The same config (defaults from the schema filled in place).

    Raises
    ------
    InputError
        Naming the first key that breaks the schema and what was expected.
    """
    import jsonschema

    schema = schema or load_schema()
    validator_cls = jsonschema.validators.validator_for(schema)
    validator = validator_cls(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        raise InputError(config_error_text(errors[:10], len(errors)), file=file)
    _fill_defaults(config, schema)
    check_column_mappings(config, file)
    from .guard import check_run_config

    check_run_config(config, file=file)
    return config


def key_path(parts) -> str:
    """A key's path as the user reads their config: ``exclusions[3].statistic``.

    List entries are counted from 1, as a person counts the ``-`` entries of a
    YAML list (jsonschema counts from 0).
    """
    text = ""
    for part in parts:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def config_error_text(errors: list, total: int) -> str:
    """The message for config keys that break the schema: one line per key, its path 1-based.

    The schema file is not named: it is inside the package, and the user edits
    their config; its comments (and the user guide) say what each key takes.
    """
    lines = [f"  {key_path(e.absolute_path)}: {e.message}" for e in errors]
    more = f" (the first {len(errors)} of {total})" if total > len(errors) else ""
    head = "config key not valid" if total == 1 else f"{total} config keys not valid{more}"
    return f"{head}:\n" + "\n".join(lines)


def check_column_mappings(config: dict, file: str = "config") -> None:
    """Stop on an ``inputs.<source>.columns`` mapping naming a column the contract lacks.

    Parameters
    ----------
    config : dict
        A config that passed the schema (defaults filled).
    file : str
        How the message names the config.

    Raises
    ------
    InputError
        Naming the key path, the column and the contract's columns.
    """
    mappings = {s: (config.get("inputs", {}).get(s) or {}).get("columns") for s in SOURCES}
    if not any(mappings.values()):
        return
    # Late imports: the contract's columns depend on the codebook (its practice themes).
    from .columns import check_mapping
    from .settings import Codebook
    from .validate import source_specs

    specs = source_specs(Codebook.from_section(config["codebook"]))
    for source, mapping in mappings.items():
        if mapping:
            check_mapping(source, mapping, [s.name for s in specs[source]], file=file)


def _fill_defaults(instance: Any, schema: dict, root: dict | None = None) -> None:
    """Fill ``default`` values of object properties, recursively (through local ``$ref``s)."""
    root = schema if root is None else root
    ref = schema.get("$ref", "")
    if ref.startswith("#/"):
        # A shared definition (e.g. $defs/source) carries defaults of its own.
        schema = root
        for part in ref[2:].split("/"):
            schema = schema[part]
    if not isinstance(instance, dict):
        return
    for key, sub in schema.get("properties", {}).items():
        if key not in instance and "default" in sub:
            instance[key] = sub["default"]
        if key in instance:
            _fill_defaults(instance[key], sub, root)


def load_config(path: str | Path) -> dict:
    """Read and validate a config file; raise :class:`InputError` if it is unusable."""
    path = Path(path)
    if not path.exists():
        raise InputError("config file not found", file=str(path))
    from .guard import check_yaml_text

    check_yaml_text(path)
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(
            f"is not valid YAML ({str(exc).splitlines()[0]})", file=str(path)
        ) from None
    if not isinstance(config, dict):
        raise InputError("must be a YAML mapping of keys", file=str(path))
    return check_config(config, file=str(path))


def with_output_dirs(config: dict, base_dir: str | Path) -> dict:
    """A copy of ``config`` that writes its results, intermediate files and logs under ``base_dir``.

    Parameters
    ----------
    config : dict
        A config (not changed).
    base_dir : str or Path
        The folder to write in: ``results_dir``, ``processed_dir`` and
        ``logs_dir`` become its ``results``, ``processed`` and ``logs``.

    Returns
    -------
    dict
        The config with those three paths replaced (other keys shared, not copied).
    """
    out = dict(config)
    for key, folder in OUTPUT_DIRS.items():
        out[key] = str(Path(base_dir) / folder)
    return out


def input_path(config: dict, source: str, year: int | str) -> str:
    """Path of one source for a cohort year (``{year}`` in the path is filled)."""
    return str(config["inputs"][source]["path"]).replace("{year}", str(year))


def input_sheet(config: dict, source: str) -> str:
    """Sheet name of one source."""
    return str(config["inputs"][source]["sheet"])


def rapid_review_years(config: dict, year: int) -> list[int]:
    """Years of rapid reviews received shown in Table 2 (default: year-1 and year)."""
    years = config.get("rapid_review_years") or []
    return [int(y) for y in years] if years else [int(year) - 1, int(year)]
