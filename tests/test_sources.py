"""The sources are declared once (lcspr_stats.sources); every other list of them agrees."""

from __future__ import annotations

import yaml
from conftest import load_default_config

from lcspr_stats import config as cfg
from lcspr_stats import synth, validate, workspace
from lcspr_stats.input_templates import column_notes
from lcspr_stats.settings import Settings
from lcspr_stats.sources import BY_NAME, SOURCE_TABLE, SOURCES, default_files


def test_names_are_unique_and_the_config_module_shares_them():
    assert len(set(SOURCES)) == len(SOURCES) == len(SOURCE_TABLE)
    assert cfg.SOURCES is SOURCES
    assert list(BY_NAME) == list(SOURCES)


def test_the_schema_asks_for_exactly_the_declared_sources():
    inputs = cfg.load_schema()["properties"]["inputs"]
    assert list(inputs["properties"]) == list(SOURCES)
    assert inputs["required"] == list(SOURCES)


def test_the_bundled_config_uses_the_default_files_and_sheets():
    # The bundled cohort is written by synth with the defaults, and read back by the config.
    inputs = load_default_config()["inputs"]
    for source in SOURCE_TABLE:
        assert inputs[source.name]["sheet"] == source.sheet
        assert inputs[source.name]["path"].endswith("/" + source.file)


def test_per_source_tables_of_other_modules_cover_every_source():
    contracts = validate.source_specs(Settings.from_config(load_default_config()).codebook)
    assert set(contracts) == set(SOURCES)
    assert set(validate.ID_COLUMNS) == set(SOURCES)
    assert set(column_notes()) <= set(SOURCES)


def test_synth_and_a_new_workspace_write_the_default_workbooks():
    assert list(synth.FILES) == list(default_files())
    for file, sheets in synth.FILES.items():
        assert list(sheets) == [source.sheet for source in default_files()[file]]
    assert {name: path.split("/")[-1] for name, path in workspace.INPUT_FILES.items()} == {
        source.name: source.file for source in SOURCE_TABLE
    }


def test_a_new_workspace_config_describes_each_source():
    text = workspace.workspace_values(2022, Settings.from_config(load_default_config()))["inputs"]
    parsed = yaml.safe_load(text)["inputs"]
    assert list(parsed) == list(SOURCES)
    for source in SOURCE_TABLE:
        assert f"# {source.description}\n  {source.name}:" in text
