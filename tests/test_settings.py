"""Settings: built from the validated config, every default taken from the schema, read-only."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from conftest import load_default_config

from lcspr_stats.config import SOURCES, check_config, input_path, load_schema
from lcspr_stats.settings import FrozenMap, Settings, freeze

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
