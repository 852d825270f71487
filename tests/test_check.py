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


def test_the_largest_source_read_in_another_process_gives_the_same_check(tmp_path, monkeypatch):
    # Assumes: with PARALLEL_READ_BYTES at 0 the largest input (the coding schedule here)
    # is read and cleaned by `python -m lcspr_stats.check` while this process reads the rest.
    import pandas as pd

    from lcspr_stats import check

    config = tiny_config(tmp_path)
    alone = check_inputs(config, 2021)
    monkeypatch.setattr(check, "PARALLEL_READ_BYTES", 0)
    beside = check_inputs(config, 2021)
    for source, frame in alone.frames.items():
        pd.testing.assert_frame_equal(beside.frames[source], frame)
        assert beside.frames[source].attrs == frame.attrs
        pd.testing.assert_frame_equal(beside.source_quality[source], alone.source_quality[source])
    assert beside.info == alone.info
    pd.testing.assert_frame_equal(beside.quality, alone.quality)
    pd.testing.assert_frame_equal(beside.cohort.lcsprs, alone.cohort.lcsprs)


def test_a_fatal_problem_of_the_source_read_apart_is_listed_in_order(tmp_path, monkeypatch):
    # Assumes: the SIN register is made the largest file, so it is the one read apart.
    from lcspr_stats import check

    config = tiny_config(tmp_path)
    frames = tiny_frames()
    sins = frames["sin_register"].drop(columns=["sin_id"])
    write_xlsx({"sins": pd_concat_copies(sins, 200)}, tmp_path / "sin_register.xlsx")
    config["inputs"]["rapid_review_register"]["path"] = str(tmp_path / "missing.xlsx")
    monkeypatch.setattr(check, "PARALLEL_READ_BYTES", 0)
    apart = []
    elsewhere = check._read_elsewhere
    monkeypatch.setattr(
        check, "_read_elsewhere", lambda *args: apart.append(args[1]) or elsewhere(*args)
    )
    with pytest.raises(InputError) as error:
        check_inputs(config, 2021)
    assert apart == ["sin_register"]
    lines = str(error.value).splitlines()
    assert lines[0] == "2 problems stop the run:"
    assert "column 'sin_id': required column missing" in lines[1]
    assert "missing.xlsx', sheet 'rapid_reviews': file not found" in lines[2]


def pd_concat_copies(frame, copies):
    """``frame`` stacked ``copies`` times (a larger file of the same rows)."""
    import pandas as pd

    return pd.concat([frame] * copies, ignore_index=True)
