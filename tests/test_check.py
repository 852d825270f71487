"""Checking a cohort's inputs in one pass, as `lcspr-stats validate` will."""

from __future__ import annotations

import pytest
from conftest import load_default_config
from tiny_cohort import tiny_frames, write_tiny_inputs

from lcspr_stats.check import check_inputs
from lcspr_stats.config import check_config
from lcspr_stats.errors import InputError
from lcspr_stats.io import write_xlsx


def tiny_config(tmp_path):
    config = check_config(load_default_config())
    config["exclusions"] = []
    for source, path in write_tiny_inputs(tmp_path).items():
        config["inputs"][source]["path"] = path
    return config


def test_check_inputs_links_the_cohort(tmp_path):
    result = check_inputs(tiny_config(tmp_path), 2021)
    assert result.rows_read == {
        "sin_register": 4,
        "rapid_review_register": 4,
        "reviews": 5,
        "children": 8,
    }
    assert len(result.cohort.lcsprs) == 4
    assert list(result.quality["rule"]) == ["a second rapid review for the same SIN"]


def test_every_fatal_problem_is_listed_at_once(tmp_path):
    config = tiny_config(tmp_path)
    frames = tiny_frames()
    write_xlsx(
        {"sins": frames["sin_register"].drop(columns=["sin_id"])}, tmp_path / "sin_register.xlsx"
    )
    config["inputs"]["rapid_review_register"]["path"] = str(tmp_path / "missing.xlsx")
    with pytest.raises(InputError) as error:
        check_inputs(config, 2021)
    message = str(error.value)
    assert message.startswith("2 problems stop the run")
    assert "column 'sin_id': required column missing" in message
    assert "missing.xlsx', sheet 'rapid_reviews': file not found" in message
