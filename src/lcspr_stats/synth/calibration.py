"""A synthetic cohort's figures recomputed the pipeline's way, and checked against its profile."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .draws import Calendar
from .profile import CalibrationError

# Targets that give only some of the figure's keys (other years, other groups).
PARTIAL_TARGETS = {"rapid_reviews_by_year", "sex_by_harm_group", "pipeline"}


def compute_figures(frames: Mapping[str, pd.DataFrame], profile: dict) -> dict:
    """Recompute the profile's target figures from cohort frames.

    Follows the pipeline's rules (the profile's ``rules`` section): index
    child values fall back to its SIN, completed weeks, named exclusions,
    working days less bank holidays, percentages left to the caller.

    Parameters
    ----------
    frames : mapping of str to pandas.DataFrame
        ``sins``, ``rapid_reviews``, ``reviews`` and ``children``.
    profile : dict
        A profile from :func:`load_profile`.

    Returns
    -------
    dict
        The figures, keyed as the profile's ``targets``.
    """
    rules = profile["rules"]
    year = int(profile["cohort_year"])
    sins = frames["sins"]
    rrs = frames["rapid_reviews"]
    reviews = frames["reviews"]
    reviews = reviews.loc[reviews["date_submitted"].dt.year == year].reset_index(drop=True)
    children = frames["children"].loc[frames["children"]["lcspr_id"].isin(reviews["lcspr_id"])]
    group_of = rules["ethnic_group_of_code"]
    missing_group = rules["ethnic_group_missing"]
    minoritised = set(rules["minoritised_groups"])

    sin_info = sins.set_index("sin_id")
    kids = children.join(sin_info, on="sin_id")
    kids["sex_final"] = kids["sex"].fillna(kids["child_sex"])
    kids["age_final"] = kids["age_years"].fillna(kids["child_age_years"])
    kids["eth_final"] = kids["ethnicity"].fillna(kids["child_ethnicity"])
    kids["group"] = kids["eth_final"].map(group_of).fillna(missing_group)
    kids["minoritised"] = kids["group"].isin(minoritised)

    index = kids.loc[kids["is_index_child"] == "yes"]
    index = index.join(rrs.set_index("sin_id")["rr_date"], on="sin_id")
    per = reviews.merge(index, on="lcspr_id", how="left", suffixes=("", "_child"))

    figures: dict = {
        "n_lcsprs": len(reviews),
        "n_children": int(reviews["n_children"].sum()),
        "n_index_children": int(per["child_ref"].notna().sum()),
        "incident_type_counts": _counts(reviews["incident_type"]),
        "review_type_counts": _counts(reviews["review_type"].fillna("not recorded")),
        "incident_year_counts": _counts(per["incident_date"].dt.year.dropna().astype(int)),
    }

    received = {}
    for rr_year, sub in rrs.groupby(rrs["rr_date"].dt.year):
        received[int(rr_year)] = {
            "received": len(sub),
            "commissioned": int((sub["lcspr_decision"] == "commissioned").sum()),
        }
    figures["rapid_reviews_by_year"] = received
    figures["pipeline"] = _pipeline_figures(rrs, year)

    exclusions = rules["exclusions"]
    a = per.loc[
        per["incident_date"].notna()
        & per["rr_date"].notna()
        & ~per["lcspr_id"].isin(exclusions["incident_to_rr"])
    ]
    a_days = (a["rr_date"] - a["incident_date"]).dt.days
    figures["incident_to_rr_weeks"] = _week_summary(a_days // 7)
    holidays = Calendar(rules["bank_holidays"]).holidays
    working = np.busday_count(
        a["incident_date"].to_numpy().astype("datetime64[D]"),
        a["rr_date"].to_numpy().astype("datetime64[D]"),
        holidays=holidays,
    )
    figures["n_rr_within_15_working_days"] = int((working <= rules["rr_within_working_days"]).sum())
    b = per.loc[per["rr_date"].notna() & ~per["lcspr_id"].isin(exclusions["rr_to_lcspr"])]
    b_days = (b["date_submitted"] - b["rr_date"]).dt.days
    figures["rr_to_lcspr_weeks"] = _week_summary(b_days // 7)
    figures["n_lcspr_within_26_weeks"] = int((b_days <= rules["lcspr_within_days"]).sum())

    ages = index["age_final"].astype("Int64")
    bands = {}
    for band in rules["age_bands"]:
        bands[band["label"]] = int(ages.between(band["min"], band["max"]).sum())
    figures["age_band_counts"] = bands
    figures["ethnic_group_counts"] = _counts(index["group"])
    deaths = reviews.loc[reviews["incident_type"] == "death"]
    harmed = reviews.loc[reviews["incident_type"] == "serious harm"]
    figures["death_category_counts"] = _counts(deaths["harm_category"])
    figures["maltreatment_death_subcategory_counts"] = _counts(deaths["harm_subcategory"].dropna())
    figures["serious_harm_category_counts"] = _counts(harmed["harm_category"])

    per["lcspr_sex"] = _lcspr_sex(per, kids)
    harm_group = per["harm_category"].map(
        {cat: group for group, cats in rules["harm_groups"].items() for cat in cats}
    )
    per["harm_group"] = harm_group.fillna(per["harm_category"])
    figures["sex_by_harm_group"] = {
        group: _counts(sub["lcspr_sex"])
        for group, sub in per.loc[per["incident_type"] == "serious harm"].groupby("harm_group")
    }

    figures["n_published"] = int(reviews["published"].isin(rules["published_statuses"]).sum())
    figures["publication_counts"] = _counts(reviews["published"])
    figures["methodology_counts"] = _counts(reviews["methodology"])

    sub = per.loc[per["in_subsample"] == "yes"]
    split = rules["subsample_age_split"]
    sub_ages = sub["age_final"].dropna().astype(int)
    figures["subsample"] = {
        "n": len(sub),
        "incident_type_counts": _counts(sub["incident_type"]),
        "death_category_counts": _counts(sub.loc[sub["incident_type"] == "death", "harm_category"]),
        "maltreatment_death_subcategory_counts": _counts(
            sub.loc[sub["incident_type"] == "death", "harm_subcategory"].dropna()
        ),
        "serious_harm_category_counts": _counts(
            sub.loc[sub["incident_type"] == "serious harm", "harm_category"]
        ),
        "sex_counts": _counts(sub["lcspr_sex"]),
        "age_split_counts": {
            "under": int((sub_ages < split).sum()),
            "over": int((sub_ages >= split).sum()),
        },
    }

    any_minoritised = kids.groupby("lcspr_id")["minoritised"].any()
    per["any_minoritised"] = per["lcspr_id"].map(any_minoritised).fillna(False).astype(bool)
    race = per.loc[per["in_race_subsample"] == "yes"]
    race_group = race["group"].where(~race["any_minoritised"], rules["minoritised_label"])
    figures["race_subsample"] = {"n": len(race), "group_counts": _counts(race_group)}
    figures["n_lcsprs_with_minoritised_child"] = int(per["any_minoritised"].sum())

    figures["n_index_values_from_sin"] = {
        "sex": int((index["sex"].isna() & index["child_sex"].notna()).sum()),
        "age": int((index["age_years"].isna() & index["child_age_years"].notna()).sum()),
        "ethnicity": int((index["ethnicity"].isna() & index["child_ethnicity"].notna()).sum()),
    }
    return figures


def check_calibration(frames: Mapping[str, pd.DataFrame], profile: dict) -> dict:
    """Check that the cohort reproduces every target of the profile.

    Also checks the consistency rules of the data contract (ids, links,
    date order, one rapid review per SIN, children per LCSPR).

    Parameters
    ----------
    frames : mapping of str to pandas.DataFrame
        The output of :func:`generate`.
    profile : dict
        The profile it was generated from.

    Returns
    -------
    dict
        The recomputed figures (see :func:`compute_figures`).

    Raises
    ------
    CalibrationError
        Listing every figure that differs from its target and every broken rule.
    """
    problems = consistency_problems(frames, profile)
    figures = compute_figures(frames, profile)
    targets = profile["targets"]
    for key, target in targets.items():
        partial = key in PARTIAL_TARGETS
        problems.extend(_compare(key, _plain(target), _plain(figures.get(key)), partial))
    n_race = targets["race_subsample"]["group_counts"][profile["rules"]["minoritised_label"]]
    if figures["n_lcsprs_with_minoritised_child"] != n_race:
        problems.append(
            f"LCSPRs with a minoritised child: {figures['n_lcsprs_with_minoritised_child']},"
            f" expected {n_race} (all in the race sub-sample)"
        )
    if problems:
        raise CalibrationError("synthetic cohort misses its profile:\n- " + "\n- ".join(problems))
    return figures


def _pipeline_figures(rrs: pd.DataFrame, year: int) -> dict:
    """The review pipeline at 31 December of ``year``, as the pipeline counts it."""
    as_at = pd.Timestamp(year=year, month=12, day=31)
    commissioned = rrs["lcspr_decision"] == "commissioned"
    done = commissioned & (rrs["lcspr_received_date"] <= as_at).fillna(False)
    status = rrs.loc[done, "lcspr_publication"].fillna("awaiting")
    publication = _counts(status)
    return {
        "initiated": int(commissioned.sum()),
        "completed": int(done.sum()),
        "received_by_year": _counts(rrs.loc[done, "lcspr_received_date"].dt.year.astype(int)),
        "publication": publication,
        "in_progress": int(commissioned.sum())
        - publication.get("published", 0)
        - publication.get("not to be published", 0),
    }


def _counts(values: pd.Series) -> dict:
    return {k: int(v) for k, v in values.value_counts().sort_index().items()}


def _week_summary(weeks: pd.Series) -> dict:
    weeks = weeks.astype(int)
    return {
        "n": len(weeks),
        "median": float(np.median(weeks)) if len(weeks) else None,
        "min": int(weeks.min()) if len(weeks) else None,
        "max": int(weeks.max()) if len(weeks) else None,
        "range": int(weeks.max() - weeks.min()) if len(weeks) else None,
    }


def _lcspr_sex(per: pd.DataFrame, kids: pd.DataFrame) -> pd.Series:
    """Index child's sex; without one, the children's common sex or "mixed"."""
    common = kids.groupby("lcspr_id")["sex_final"].agg(
        lambda s: s.iloc[0] if s.nunique() == 1 else "mixed"
    )
    return per["sex_final"].fillna(per["lcspr_id"].map(common))


def _plain(value):
    """Nested dict with str keys and plain numbers, for comparison."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _compare(key: str, target, got, partial: bool) -> list[str]:
    """Differences between a target and a figure; ``partial``: extra keys allowed."""
    if isinstance(target, dict):
        if not isinstance(got, dict):
            return [f"{key}: expected {target}, got {got}"]
        problems = []
        for k, v in target.items():
            problems += _compare(
                f"{key}.{k}", v, got.get(k, None if isinstance(v, dict) else 0), partial
            )
        extra = {k: v for k, v in got.items() if k not in target and v}
        if extra and not partial:
            problems.append(f"{key}: unexpected {extra}")
        return problems
    return [] if target == got else [f"{key}: expected {target}, got {got}"]


def consistency_problems(frames: Mapping[str, pd.DataFrame], profile: Mapping) -> list[str]:
    """Rules of the data contract the cohort must keep, and those it breaks.

    Ids unique, links that resolve, one rapid review per SIN and one index
    child per LCSPR, ``n_children`` as listed, dates in order, the cohort's
    LCSPRs all submitted in its year.

    Parameters
    ----------
    frames : mapping of str to pandas.DataFrame
        ``sins``, ``rapid_reviews``, ``reviews`` and ``children``.
    profile : mapping
        The profile they were built from (its ``cohort_year``).

    Returns
    -------
    list of str
        One line per broken rule; empty if none.
    """
    problems = []
    sins, rrs = frames["sins"], frames["rapid_reviews"]
    reviews, children = frames["reviews"], frames["children"]
    year = int(profile["cohort_year"])
    for name, frame, column in (
        ("sins", sins, "sin_id"),
        ("rapid_reviews", rrs, "rr_id"),
        ("reviews", reviews, "lcspr_id"),
    ):
        if frame[column].duplicated().any():
            problems.append(f"{name}: duplicate {column}")
    if rrs["sin_id"].duplicated().any():
        problems.append("rapid_reviews: more than one rapid review for a SIN")
    if not rrs["sin_id"].isin(sins["sin_id"]).all():
        problems.append("rapid_reviews: sin_id not in the SIN register")
    linked = children["sin_id"].dropna()
    if not linked.isin(sins["sin_id"]).all():
        problems.append("children: sin_id not in the SIN register")
    if linked.duplicated().any():
        problems.append("children: a SIN linked from two children")
    if (children.groupby("lcspr_id")["is_index_child"].agg(lambda s: (s == "yes").sum()) > 1).any():
        problems.append("children: more than one index child in an LCSPR")
    n_rows = children.groupby("lcspr_id").size().reindex(reviews["lcspr_id"]).fillna(0)
    if not np.array_equal(reviews["n_children"].to_numpy(int), n_rows.to_numpy(int)):
        problems.append("reviews: n_children differs from the children listed")
    if (reviews["date_submitted"].dt.year != year).any():
        problems.append(f"reviews: date_submitted outside {year}")
    if (sins["notification_date"] < sins["incident_date"]).any():
        problems.append("sins: notification before incident")
    with_rr = rrs.join(sins.set_index("sin_id"), on="sin_id")
    if (with_rr["rr_date"] < with_rr["notification_date"]).any():
        problems.append("rapid_reviews: rapid review before its notification")
    if (with_rr["rr_date"] < with_rr["incident_date"]).any():
        problems.append("rapid_reviews: rapid review before the incident")
    kids = children.join(sins.set_index("sin_id"), on="sin_id").join(
        rrs.set_index("sin_id")["rr_date"], on="sin_id"
    )
    kids = kids.merge(
        reviews[["lcspr_id", "date_submitted", "partnership", "incident_type"]],
        on="lcspr_id",
        how="left",
        suffixes=("", "_review"),
    )
    received = rrs["lcspr_received_date"]
    if (received < rrs["rr_date"]).any():
        problems.append("rapid_reviews: an LCSPR received before its rapid review")
    if (received.notna() & (rrs["lcspr_decision"] != "commissioned")).any():
        problems.append("rapid_reviews: an LCSPR received on a rapid review not commissioned")
    index_rr = kids.loc[kids["is_index_child"] == "yes"].join(
        rrs.set_index("sin_id")["lcspr_received_date"], on="sin_id"
    )
    index_rr = index_rr.loc[index_rr["rr_date"].notna()]
    if (index_rr["lcspr_received_date"] != index_rr["date_submitted"]).any():
        problems.append("rapid_reviews: an index child's LCSPR received date is not date_submitted")
    if (kids["rr_date"] > kids["date_submitted"]).any():
        problems.append("children: a linked rapid review after the LCSPR")
    if (kids["incident_date"] > kids["date_submitted"]).any():
        problems.append("children: a linked incident after the LCSPR")
    index = kids.loc[(kids["is_index_child"] == "yes") & kids["sin_id"].notna()]
    if (index["partnership"] != index["partnership_review"]).any():
        problems.append("reviews: partnership differs from the index child's SIN")
    if (index["incident_type"] != index["incident_type_review"]).any():
        problems.append("sins: an index child's incident type differs from its LCSPR's")
    return problems
