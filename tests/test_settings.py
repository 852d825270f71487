"""Settings: built from the validated config, every default taken from the schema, read-only."""

from __future__ import annotations

import ast
import copy
import dataclasses
from pathlib import Path

import pytest
from conftest import load_default_config

import lcspr_stats
from lcspr_stats.config import SOURCES, check_config, input_path, load_schema
from lcspr_stats.settings import FrozenMap, Settings, freeze, schema_defaults

# Keys whose Settings attribute is not spelled like the config key.
RENAMED = {
    "processed_dir": ("dirs", "processed"),
    "results_dir": ("dirs", "results"),
    "logs_dir": ("dirs", "logs"),
    "disclosure_control": ("disclosure",),
}


def minimal_config() -> dict:
    """Only what the schema requires: every optional key is left to its default."""
    config = load_default_config()
    required = load_schema()["required"]
    minimal = {key: copy.deepcopy(config[key]) for key in required}
    codebook_required = load_schema()["properties"]["codebook"]["required"]
    minimal["codebook"] = {key: config["codebook"][key] for key in codebook_required}
    return minimal


def leaf_defaults(schema: dict, path: tuple = ()):
    """Every (key path, default) of the schema; a default ``{}`` with properties is descended."""
    for key, sub in schema.get("properties", {}).items():
        if "default" not in sub:
            if sub.get("type") == "object" and "properties" in sub:
                yield from leaf_defaults(sub, (*path, key))
            continue
        if sub["default"] == {} and "properties" in sub:
            yield from leaf_defaults(sub, (*path, key))
        else:
            yield (*path, key), sub["default"]


def attribute(settings: Settings, path: tuple):
    value = settings
    for i, key in enumerate(path):
        names = RENAMED.get(key, (key,)) if i == 0 else (key,)
        for name in names:
            value = getattr(value, name)
    return value


def test_a_minimal_config_gives_exactly_the_schemas_defaults():
    # Assumes the schema marks every optional setting with a default (harm_subcategories: []).
    settings = Settings.from_config(check_config(minimal_config()))
    defaults = list(leaf_defaults(load_schema()))
    assert len(defaults) >= 30, "the walk found the schema's defaults"
    for path, default in defaults:
        assert attribute(settings, path) == freeze(default), ".".join(path)


def test_an_unvalidated_config_gets_the_same_defaults_as_a_validated_one():
    # Tests and tools may hand a parsed config.yaml straight in; the schema fills it either way.
    raw = load_default_config()
    assert Settings.from_config(raw) == Settings.from_config(check_config(load_default_config()))
    minimal = minimal_config()
    Settings.from_config(minimal)
    assert "strict" not in minimal, "the caller's dict is not filled in place"


def test_settings_read_the_shipped_config():
    config = check_config(load_default_config())
    settings = Settings.from_config(config)
    assert settings.cohorts == tuple(config["cohorts"])
    for source in SOURCES:
        assert settings.input_path(source, 2021) == input_path(config, source, 2021)
        assert settings.inputs.sheet(source) == config["inputs"][source]["sheet"]
    assert [e.as_dict() for e in settings.exclusions] == config["exclusions"]
    assert settings.codebook.age_band_labels == tuple(
        b["label"] for b in config["codebook"]["age_bands"]
    )
    assert settings.codebook.ethnicity_not_known == config["codebook"]["ethnic_groups"][-1]
    assert settings.uncertainty.as_dict() == config["uncertainty"]
    assert settings.release.as_dict() == config["release"]
    assert settings.codebook.raw == freeze(config["codebook"])
    assert settings.config == config
    assert settings.rapid_review_years_for(2021) == [2020, 2021]


def test_settings_are_immutable_and_hashable():
    settings = Settings.from_config(load_default_config())
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.strict = True
    with pytest.raises(TypeError):
        settings.codebook.synonyms["x"] = "y"
    assert isinstance(settings.codebook.harm_categories, FrozenMap)
    assert hash(settings) == hash(Settings.from_config(load_default_config()))
    assert Settings.from_config(settings) is settings
    # The filled-in defaults are copies: changing the recorded config leaves the schema alone.
    minimal = Settings.from_config(minimal_config())
    minimal.config["release"]["title"] = "changed"
    assert schema_defaults("release")["title"] != "changed"


# Modules that still read the raw config with defaults of their own, and who converts them.
# The list may only shrink: a file listed here that no longer has such a read fails the test.
NOT_YET_CONVERTED = {
    "cli.py": "errors/preflight helper",
    "preflight.py": "errors/preflight helper",
    "config.py": "config helper (rapid_review_years)",
    "synth.py": "synth helper (a profile's 'children', not a config key)",
}
# Key figures are the tables stage's output, not config; some of their keys share a
# config key's name (``uncertainty``, ``bootstrap_resamples``, ``monte_carlo_resamples``).
KEY_FIGURE_NAMES = {"kf", "key_figures", "figures", "result"}


def schema_keys(schema: dict, found: set | None = None) -> set:
    found = set() if found is None else found
    for key, sub in schema.get("properties", {}).items():
        found.add(key)
        schema_keys(sub, found)
    return found


def literal_default_reads(tree: ast.AST, keys: set) -> list[str]:
    """``x.get("key", <literal>)`` and ``x.get("key") or <literal>`` for config keys."""

    def root(node: ast.AST) -> str:
        # The name a chain such as ``(kf.get("a") or {}).get`` starts from.
        while not isinstance(node, ast.Name):
            if isinstance(node, ast.BoolOp):
                node = node.values[0]
            elif isinstance(node, ast.Call):
                node = node.func
            elif isinstance(node, ast.Attribute | ast.Subscript):
                node = node.value
            else:
                return ""
        return node.id

    def config_get(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and bool(node.args)
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in keys
            and root(node.func.value) not in KEY_FIGURE_NAMES
        )

    def literal(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant | ast.List | ast.Dict | ast.Tuple | ast.Set)

    found = []
    for node in ast.walk(tree):
        if config_get(node) and len(node.args) > 1 and literal(node.args[1]):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            if config_get(node.values[0]) and any(literal(v) for v in node.values[1:]):
                found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_reads_the_config_with_a_default_of_its_own():
    # Defaults live in the schema only; Settings hands them out.
    keys = schema_keys(load_schema())
    package = Path(lcspr_stats.__file__).parent
    offending, converted = {}, []
    for path in sorted(package.glob("*.py")):
        found = literal_default_reads(ast.parse(path.read_text(encoding="utf-8")), keys)
        if path.name in NOT_YET_CONVERTED:
            if not found:
                converted.append(path.name)
        elif found:
            offending[path.name] = found
    assert offending == {}, "read these through Settings instead"
    assert converted == [], "converted: take these off NOT_YET_CONVERTED"


def test_the_scan_finds_a_literal_default():
    # The check above would pass vacuously if it could not see one.
    tree = ast.parse(
        'a = config.get("strict", False)\n'
        'b = (config.get("release") or {}).get("title", "x")\n'
        'c = (settings.get("uncertainty") or {}).get("seed", 1)\n'
        'd = (kf.get("uncertainty") or {}).get("seed", 1)\n'
    )
    found = literal_default_reads(tree, {"strict", "release", "title", "uncertainty", "seed"})
    # Key figures (d) are not config: b and c are each found twice (inner and outer read).
    assert sorted(line.split(":")[0] for line in found) == ["1", "2", "2", "3", "3"]


def test_uncertainty_defaults_are_the_schemas():
    # A table builder called without settings uses the schema's, not a copy.
    from lcspr_stats.tables import _ci

    assert _ci(None) == schema_defaults("uncertainty")
    assert Settings.from_config(load_default_config()).uncertainty.as_dict() == _ci(
        schema_defaults("uncertainty")
    )
