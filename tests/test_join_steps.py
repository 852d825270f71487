"""The named steps of join.link_cohort, each on its own, on the hand-made tiny cohort.

Assumes the tiny cohort of tests/tiny_cohort.py: SIN S9 has two rapid reviews
(R9 in 2019, R10 in 2020); L2 lists two children, L3 three with no index child.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_join_tables import SETTINGS, SHEETS
from test_validate import table_of
from tiny_cohort import tiny_frames

from lcspr_stats import join
from lcspr_stats.validate import clean_source

INFO = {source: join.SourceInfo("in.xlsx", sheet) for source, sheet in SHEETS.items()}


@pytest.fixture()
def clean() -> dict[str, pd.DataFrame]:
    raw = tiny_frames()
    return {
        source: clean_source(table_of(raw[source], SHEETS[source]), source, SETTINGS)[0]
        for source in raw
    }


def test_select_cohort_keeps_the_year_and_accounts_for_the_rest(clean):
    cohort, recon = join.select_cohort(clean["reviews"], 2021, INFO)
    assert sorted(cohort["lcspr_id"]) == ["L1", "L2", "L3", "L4"]
    assert recon["rows"].tolist() == [5, 4, 1, 0]
    assert set(recon["source"]) == {"reviews"}


def test_link_rapid_reviews_keeps_the_earliest_of_a_sin(clean):
    rr_by_sin, quality = join.link_rapid_reviews(
        clean["rapid_review_register"], clean["sin_register"], INFO
    )
    assert rr_by_sin.loc["S9", "rr_id"] == "R9"
    assert rr_by_sin.index.is_unique
    assert quality["rule"].tolist() == ["a second rapid review for the same SIN"]
    assert quality["value"].tolist() == ["S9"]


def test_a_child_linking_to_no_sin_loses_the_link_and_is_reported(clean):
    kids = clean["children"].copy()
    kids.loc[kids["child_ref"].eq("C2") & kids["lcspr_id"].eq("L2"), "sin_id"] = "S404"
    kids, quality = join.link_children_to_sins(kids, clean["sin_register"], INFO)
    assert kids["sin_id"].isna().sum() == clean["children"]["sin_id"].isna().sum() + 1
    assert quality[["value", "rule"]].values.tolist() == [["S404", "links to no SIN"]]


def test_fill_from_sin_takes_only_the_blanks(clean):
    kids = join.fill_from_sin(clean["children"].copy(), join.sin_attributes(clean["sin_register"]))
    l1 = kids.set_index(["lcspr_id", "child_ref"]).loc[("L1", "C1")]
    assert (l1["sex"], l1["age_years"]) == ("female", 0)
    assert l1["sex_from_sin"] and l1["age_from_sin"]
    l2 = kids.set_index(["lcspr_id", "child_ref"]).loc[("L2", "C1")]
    assert not (l2["sex_from_sin"] or l2["age_from_sin"] or l2["ethnicity_from_sin"])


def test_an_lcspr_naming_two_index_children_has_none(clean):
    kids = clean["children"].copy()
    kids.loc[kids["lcspr_id"].eq("L2"), "is_index_child"] = True
    index_rows, quality = join.pick_index_children(kids, INFO)
    assert "L2" not in set(index_rows["lcspr_id"])
    assert {"L1", "L4"} <= set(index_rows["lcspr_id"])
    assert len(quality) == 2 and set(quality["column"]) == {"is_index_child"}


def test_n_children_becomes_the_number_listed(clean):
    cohort, _ = join.select_cohort(clean["reviews"], 2021, INFO)
    cohort.loc[cohort["lcspr_id"] == "L3", "n_children"] = 5
    cohort, quality = join.count_children_listed(cohort, clean["children"], INFO)
    assert cohort.set_index("lcspr_id").loc["L3", "n_children"] == 3
    assert quality["column"].tolist() == ["n_children"]
