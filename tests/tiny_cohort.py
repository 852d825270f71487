"""A hand-made cohort of five LCSPRs whose every figure is known, for unit tests."""

from __future__ import annotations

import pandas as pd

D = pd.Timestamp


def tiny_frames(year: int = 2021) -> dict[str, pd.DataFrame]:
    """Raw input frames (as a researcher would type them) for a tiny cohort.

    Dates are as below for ``year=2021`` and moved by whole years otherwise.

    - L1: death, single child, infant (age from the SIN), incident Mon 2020-12-21,
      rapid review Wed 2021-01-13 (23 days, 3 completed weeks; Christmas Day,
      Boxing Day (Mon 28 Dec substitute) and New Year's Day fall in between,
      so 14 working days), submitted 2021-06-30.
    - L2: serious harm, sibling group of 2, index aged 16, White British.
    - L3: thematic of 3 children, no index child (mixed sex).
    - L4: serious harm, index child with no SIN.
    - L5: submitted in 2020: another cohort.
    """
    sins = pd.DataFrame(
        {
            "sin_id": ["S1", "S2", "S3", "S9"],
            "partnership": ["P one", "P two", "P two", "P nine"],
            "incident_date": [D("2020-12-21"), D("2020-03-02"), D("2020-03-02"), D("2019-05-01")],
            "notification_date": [
                D("2020-12-22"),
                D("2020-03-04"),
                D("2020-03-04"),
                D("2019-05-02"),
            ],
            "incident_type": ["Death", "serious harm", "serious harm", "other"],
            "child_sex": ["F", "male", "female", None],
            "child_age_years": [0, 16, 12, None],
            "child_ethnicity": ["White and Asian", "WBRI", "WBRI", None],
        }
    )
    rapid_reviews = pd.DataFrame(
        {
            "rr_id": ["R1", "R2", "R9", "R10"],
            "sin_id": ["S1", "S2", "S9", "S9"],
            "rr_date": [D("2021-01-13"), D("2020-03-20"), D("2019-06-01"), D("2020-06-01")],
            "lcspr_decision": ["commissioned", "commissioned", "not commissioned", "pending"],
        }
    )
    reviews = pd.DataFrame(
        {
            "lcspr_id": ["L1", "L2", "L3", "L4", "L5"],
            "partnership": ["P one", "P two", "P three", "P four", "P five"],
            "date_submitted": [
                D("2021-06-30"),
                D("2021-09-01"),
                D("2021-03-01"),
                D("2021-12-01"),
                D("2020-11-01"),
            ],
            "review_type": ["single child", "sibling group", "thematic", None, "single child"],
            "n_children": [1, 2, 3, 1, 1],
            "incident_type": ["death", "serious harm", "serious harm", "serious harm", "death"],
            "harm_category": [
                "maltreatment-related death",
                "physical abuse",
                "other",
                "neglect",
                "homicide",
            ],
            "harm_subcategory": ["SUDI", None, None, None, None],
            "published": [
                "published",
                "not published",
                "published",
                "executive summary only",
                "published",
            ],
            "methodology": ["systems", "not stated", "SILP", "not stated", "hybrid"],
            "in_subsample": ["yes", "no", "Y", "no", "no"],
            "in_race_subsample": ["yes", "no", "no", "no", "no"],
        }
    )
    children = pd.DataFrame(
        {
            "lcspr_id": ["L1", "L2", "L2", "L3", "L3", "L3", "L4", "L5"],
            "child_ref": ["C1", "C1", "C2", "C1", "C2", "C3", "C1", "C1"],
            "is_index_child": ["yes", "yes", "no", "no", "no", "no", "yes", "yes"],
            "sin_id": ["S1", "S2", "S3", None, None, None, None, None],
            "sex": [None, "male", None, "male", "female", "female", "female", "male"],
            "age_years": [None, 16, None, 14, 15, 15, 8, 3],
            "ethnicity": [None, "WBRI", None, "BAFR", "WBRI", "WBRI", "NOBT", "WBRI"],
        }
    )
    shift = pd.DateOffset(years=year - 2021)
    for frame in (sins, rapid_reviews, reviews):
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column] + shift
    return {
        "sin_register": sins,
        "rapid_review_register": rapid_reviews,
        "reviews": reviews,
        "children": children,
    }


def write_tiny_inputs(directory, year: int = 2021) -> dict[str, str]:
    """Write the tiny cohort as xlsx files; return path per source."""
    from lcspr_stats.io import write_xlsx

    frames = tiny_frames(year)
    paths = {
        "sin_register": f"{directory}/sin_register.xlsx",
        "rapid_review_register": f"{directory}/rapid_review_register.xlsx",
        "reviews": f"{directory}/lcspr_coding_schedule.xlsx",
        "children": f"{directory}/lcspr_coding_schedule.xlsx",
    }
    write_xlsx({"sins": frames["sin_register"]}, paths["sin_register"])
    write_xlsx({"rapid_reviews": frames["rapid_review_register"]}, paths["rapid_review_register"])
    write_xlsx({"reviews": frames["reviews"], "children": frames["children"]}, paths["reviews"])
    return paths
