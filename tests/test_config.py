"""The config schema: the shipped config passes, broken ones are refused with a clear message."""

from __future__ import annotations

import copy
import re

import pytest
from conftest import load_default_config

from lcspr_stats.config import check_config, rapid_review_years
from lcspr_stats.errors import InputError


def test_shipped_config_is_valid_and_defaults_fill():
    config = check_config(load_default_config())
    assert config["durations"]["weeks"] == "completed"
    assert rapid_review_years(config, 2021) == [2020, 2021]


@pytest.mark.parametrize(
    "change, key",
    [
        (lambda c: c.pop("cohorts"), "cohorts"),
        (lambda c: c["durations"].update(weeks="fortnights"), "durations.weeks"),
        (lambda c: c["exclusions"].append({"lcspr_id": "X", "statistic": "age"}), "exclusions[4]"),
        (lambda c: c.update(colour="blue"), "colour"),
    ],
)
def test_broken_config_is_refused(change, key):
    config = copy.deepcopy(load_default_config())
    change(config)
    with pytest.raises(InputError) as error:
        check_config(config)
    assert re.search(r"config keys? not valid:", str(error.value))
    assert key in str(error.value) or "(top level)" in str(error.value)
