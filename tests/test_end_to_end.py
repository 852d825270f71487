"""End to end: the DAG on the bundled synthetic cohort reproduces every published 2021 figure."""

from __future__ import annotations

import published_2021 as pub
import pytest


def rows(frame, label):
    return frame.set_index(label)


# --- headline counts ------------------------------------------------------------------


def test_lcsprs_children_and_index_children(key_figures):
    assert key_figures["n_lcsprs"] == pub.N_LCSPRS
    assert key_figures["n_children"] == pub.N_CHILDREN
    assert key_figures["n_index_children"] == pub.N_INDEX_CHILDREN


def test_deaths_and_serious_harm(key_figures):
    assert key_figures["n_deaths"] == pub.N_DEATHS
    assert key_figures["pct_deaths"] == pub.PCT_DEATHS
    assert key_figures["n_serious_harm"] == pub.N_SERIOUS_HARM
    assert key_figures["pct_serious_harm"] == pub.PCT_SERIOUS_HARM


# --- Table 1 ----------------------------------------------------------------------


def test_table1_year_of_incident(key_figures, table):
    assert key_figures["incident_year_counts"] == pub.INCIDENT_YEARS
    assert key_figures["n_incident_year_known"] == pub.N_INCIDENT_YEAR_KNOWN
    assert key_figures["pct_incident_in_previous_year"] == pub.PCT_INCIDENT_IN_2020
    t1 = rows(table("table1_year_of_incident"), "year_of_incident")
    for year, count in pub.INCIDENT_YEARS.items():
        assert t1.loc[year, "n"] == count
    assert t1.loc["Total known", "display"] == f"{pub.N_INCIDENT_YEAR_KNOWN}/{pub.N_LCSPRS}"
    assert t1.loc["2020", "pct"] == pub.PCT_INCIDENT_IN_2020


# --- Table 2 ----------------------------------------------------------------------


@pytest.mark.parametrize("year", sorted(pub.RAPID_REVIEWS))
def test_table2_rapid_reviews(year, key_figures, table):
    received, commissioned, pct = pub.RAPID_REVIEWS[year]
    assert key_figures["rr_received_by_year"][year] == received
    assert key_figures["lcspr_commissioned_by_year"][year] == commissioned
    assert key_figures["pct_commissioned_by_year"][year] == pct
    t2 = table("table2_rapid_reviews").set_index("year_received")
    assert t2.loc[int(year), "display"] == f"{commissioned} ({pct}%)"


# --- Table 3 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, measure, expected, shown",
    [
        (
            "incident_to_rr_weeks",
            "incident_to_rapid_review",
            pub.INCIDENT_TO_RR,
            pub.INCIDENT_TO_RR_DISPLAY,
        ),
        ("rr_to_lcspr_weeks", "rapid_review_to_lcspr", pub.RR_TO_LCSPR, pub.RR_TO_LCSPR_DISPLAY),
    ],
)
def test_table3_durations(key, measure, expected, shown, key_figures, table):
    assert key_figures[key] == expected
    t3 = table("table3_durations")
    t3 = t3.loc[t3["measure"] == measure].set_index("statistic")
    for statistic, text in shown.items():
        assert t3.loc[statistic, "display"] == text, statistic


def test_table3_names_the_2017_exclusion(table, bundled_run):
    t3 = table("table3_durations")
    note = t3.loc[t3["measure"] == "incident_to_rapid_review", "note"].iloc[0]
    assert "Excludes 1 case" in note and "2017 incident" in note
    notes = (bundled_run / "tables" / "notes.csv").read_text(encoding="utf-8")
    assert "became a rapid review in May 2019" in notes


def test_timeliness(key_figures):
    n, _, pct = pub.RR_WITHIN_15_WORKING_DAYS
    assert key_figures["n_rr_within_15_working_days"] == n
    assert key_figures["incident_to_rr_weeks"]["n"] == pub.RR_WITHIN_15_WORKING_DAYS[1]
    assert key_figures["pct_rr_within_15_working_days"] == pct
    n, of, pct = pub.LCSPR_WITHIN_26_WEEKS
    assert key_figures["n_lcspr_within_26_weeks"] == n
    assert key_figures["rr_to_lcspr_weeks"]["n"] == of
    assert key_figures["pct_lcspr_within_26_weeks"] == pct


# --- Tables 4 and 5 ------------------------------------------------------------------


def test_table4_cohort_ages(key_figures, table):
    assert key_figures["age_band_counts"] == {band: n for band, (n, _) in pub.AGE_BANDS.items()}
    t4 = rows(table("table4_age"), "age_band")
    for band, (n, pct) in pub.AGE_BANDS.items():
        assert (t4.loc[band, "lcspr_2021_n"], t4.loc[band, "lcspr_2021_pct"]) == (n, pct)
    assert t4.loc["Total", "lcspr_2021_n"] == pub.N_INDEX_CHILDREN


@pytest.mark.parametrize("period", sorted(pub.SCR_AGES))
def test_table4_reference_columns(period, table):
    total, bands = pub.SCR_AGES[period]
    t4 = table("table4_age")
    assert t4.loc[t4["age_band"] == "Total", f"{period}_n"].iloc[0] == total
    body = t4.loc[t4["age_band"] != "Total"]
    assert list(zip(body[f"{period}_n"], body[f"{period}_pct"])) == bands


def test_table5_cohort(table):
    t5 = rows(table("table5_death_serious_harm"), "category")
    assert t5.loc["Total", "lcspr_2021_n"] == pub.N_LCSPRS
    assert t5.loc["Death", "lcspr_2021_pct"] == pub.PCT_DEATHS
    assert t5.loc["Serious harm", "lcspr_2021_pct"] == pub.PCT_SERIOUS_HARM


@pytest.mark.parametrize("period", sorted(pub.SCR_DEATH_HARM))
def test_table5_reference_columns(period, table):
    total, death, harm = pub.SCR_DEATH_HARM[period]
    t5 = rows(table("table5_death_serious_harm"), "category")
    assert t5.loc["Total", f"{period}_n"] == total
    assert t5.loc["Death", f"{period}_pct"] == death
    assert t5.loc["Serious harm", f"{period}_pct"] == harm


# --- figures in the text -------------------------------------------------------------


def test_review_types(key_figures):
    assert key_figures["review_type_counts"] == pub.REVIEW_TYPES


def test_ethnicity(key_figures, table):
    groups = key_figures["ethnic_group_counts"]
    assert groups["White British"] == pub.WHITE_BRITISH[0]
    assert groups["Black/Black British"] == pub.BLACK[0]
    assert groups["Not known"] == pub.ETHNICITY_NOT_KNOWN
    assert sum(groups.values()) == pub.N_INDEX_CHILDREN
    ethnic = rows(table("ethnic_groups"), "ethnic_group")
    assert ethnic.loc["White British", "pct"] == pub.WHITE_BRITISH[1]
    assert ethnic.loc["Black/Black British", "pct"] == pub.BLACK[1]
    assert key_figures["n_ethnicity_from_sin"] > 0


def test_deaths_by_category(key_figures, table):
    deaths = key_figures["death_category_counts"]
    assert sum(deaths.values()) == pub.N_DEATHS
    assert deaths["maltreatment-related death"] == pub.MALTREATMENT_DEATHS[0]
    assert deaths["fatal physical abuse"] == pub.FATAL_PHYSICAL_ABUSE[0]
    sub = key_figures["maltreatment_death_subcategory_counts"]
    assert (sub["sudi"], sub["suicide"]) == (pub.SUDI, pub.SUICIDE)
    t = rows(table("death_categories"), "harm_category")
    assert t.loc["maltreatment-related death", "pct"] == pub.MALTREATMENT_DEATHS[1]
    assert t.loc["fatal physical abuse", "pct"] == pub.FATAL_PHYSICAL_ABUSE[1]


def test_serious_harm_by_category_and_sex(key_figures, table):
    harm = key_figures["serious_harm_category_counts"]
    assert sum(harm.values()) == pub.N_SERIOUS_HARM
    assert harm["physical abuse"] == pub.PHYSICAL_ABUSE[0]
    assert harm["sexual abuse intra-familial"] == pub.SEXUAL_ABUSE_INTRA
    assert harm["sexual abuse extra-familial"] == pub.SEXUAL_ABUSE_EXTRA
    assert harm["neglect"] == pub.NEGLECT[0]
    assert key_figures["serious_harm_group_counts"]["sexual abuse"] == pub.SEXUAL_ABUSE[0]
    t = rows(table("serious_harm_categories"), "harm_category")
    assert t.loc["physical abuse", "pct"] == pub.PHYSICAL_ABUSE[1]
    assert t.loc["neglect", "pct"] == pub.NEGLECT[1]
    sexual = t.loc["sexual abuse (all)"]
    assert sexual["pct"] == pub.SEXUAL_ABUSE[1]
    assert (sexual["n_female"], sexual["n_male"]) == (pub.SEXUAL_ABUSE_GIRLS, pub.SEXUAL_ABUSE_BOYS)
    cse = t.loc["child sexual exploitation"]
    assert cse["n"] == cse["n_female"] == pub.CSE_GIRLS
    # "fairly equally across gender"
    physical = t.loc["physical abuse"]
    assert abs(int(physical["n_female"]) - int(physical["n_male"])) <= 3


def test_publication(key_figures, table):
    assert key_figures["n_published"] == pub.N_PUBLISHED
    assert key_figures["pct_published"] == pub.PCT_PUBLISHED
    not_published = rows(table("publication"), "published").loc["not published", "pct"]
    assert not_published == pub.PCT_NOT_PUBLISHED


def test_methodology(key_figures):
    assert key_figures["methodology_counts"] == pub.METHODOLOGY
    assert key_figures["n_methodology_declared"] == pub.N_METHODOLOGY_DECLARED


def test_subsample(key_figures, table):
    assert key_figures["n_subsample"] == pub.SUBSAMPLE["n"]
    sub = table("subsample")
    get = {(c, v): n for c, v, n in zip(sub["characteristic"], sub["value"], sub["n"])}
    assert get[("incident_type", "serious harm")] == pub.SUBSAMPLE["serious harm"]
    assert get[("incident_type", "death")] == pub.SUBSAMPLE["death"]
    for sex in ("male", "female", "mixed"):
        assert get[("sex", sex)] == pub.SUBSAMPLE[sex]
    assert get[("age", "under 10")] == pub.SUBSAMPLE["under 10"]
    assert get[("age", "10 and over")] == pub.SUBSAMPLE["10 and over"]
    for category, n in pub.SUBSAMPLE_DEATHS.items():
        assert get[("death: harm_category", category)] == n, category
    assert get[("maltreatment-related death: subcategory", "suicide")] == pub.SUBSAMPLE_SUICIDES
    for category, n in pub.SUBSAMPLE_HARM.items():
        assert get[("serious harm: harm_category", category)] == n, category


def test_race_subsample(key_figures, table):
    assert key_figures["n_race_subsample"] == pub.RACE_SUBSAMPLE["n"]
    race = rows(table("race_subsample"), "background")
    for background in ("Black and other minoritised", "White British", "White Other"):
        assert race.loc[background, "n"] == pub.RACE_SUBSAMPLE[background]


# --- reports -----------------------------------------------------------------------------


def test_reconciliation_balances(bundled_run):
    import pandas as pd

    recon = pd.read_csv(bundled_run / "reconciliation.csv")
    assert set(recon["source"]) == {"sin_register", "rapid_review_register", "reviews", "children"}
    assert (recon.loc[recon["status"] == "check", "rows"] == 0).all()
    read = recon.loc[recon["status"] == "read"].set_index("source")["rows"]
    assert read["reviews"] == pub.N_LCSPRS
    assert read["children"] == pub.N_CHILDREN


def test_data_quality_report_has_contract_columns(bundled_run):
    header = (bundled_run / "data_quality.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "file,sheet,row,column,value,rule,action"
