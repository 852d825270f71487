"""Joining a cohort's LCSPRs to their children, SINs and rapid reviews, accounting for every row."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .validate import quality_frame, show_value


def member(series: pd.Series, values) -> pd.Series:
    """``series.isin(values)`` for id columns, hashed in C.

    Arrow-backed text's own ``isin`` converts the other side value by value in
    Python, which took seconds against a national register's million ids.
    """
    other = pd.Series(
        values.to_numpy(dtype=object) if hasattr(values, "to_numpy") else list(values), dtype=object
    )
    found = pd.Series(series.to_numpy(dtype=object), index=series.index, dtype=object).isin(other)
    return found & series.notna()


LINK_ACTION = "row kept; link set to missing"


@dataclass(frozen=True)
class SourceInfo:
    """Where a source came from, for data-quality and reconciliation rows."""

    file: str
    sheet: str


@dataclass
class CohortFrames:
    """The result of :func:`link_cohort`.

    Attributes
    ----------
    lcsprs : pandas.DataFrame
        One row per LCSPR of the cohort, with its index child's attributes,
        incident and rapid review dates.
    children : pandas.DataFrame
        One row per child of a cohort LCSPR, sex/age/ethnicity resolved.
    quality : pandas.DataFrame
        Data-quality rows found while linking.
    reconciliation : pandas.DataFrame
        Per source: rows read, used and excluded with reasons.
    """

    lcsprs: pd.DataFrame
    children: pd.DataFrame
    quality: pd.DataFrame
    reconciliation: pd.DataFrame


def _problems(
    info: SourceInfo, frame: pd.DataFrame, column: str, rule: str, action: str
) -> pd.DataFrame:
    return quality_frame(
        [
            {
                "file": info.file,
                "sheet": info.sheet,
                "row": int(row),
                "column": column,
                "value": show_value(value),
                "rule": rule,
                "action": action,
            }
            for row, value in zip(frame["source_row"], frame[column])
        ]
    )


def _recon(info: SourceInfo, source: str, status: str, reason: str, rows: int) -> dict:
    return {
        "source": source,
        "file": info.file,
        "sheet": info.sheet,
        "status": status,
        "reason": reason,
        "rows": int(rows),
    }


def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``keys.map(values)``, also when ``values`` is empty (a blank register).

    pandas cannot map through an empty Series of dates, so that case is all missing.
    """
    if values.empty:
        return pd.Series(index=keys.index, dtype=values.dtype)
    return keys.map(values)


def link_cohort(
    year: int,
    reviews: pd.DataFrame,
    children: pd.DataFrame,
    sins: pd.DataFrame,
    rapid_reviews: pd.DataFrame,
    info: dict[str, SourceInfo],
    rapid_review_years: list[int],
) -> CohortFrames:
    """Link one cohort's LCSPRs to index children, SINs and rapid reviews.

    Sex, age and ethnicity come from the coding schedule's children sheet,
    and from the child's SIN where the schedule leaves them blank (flagged
    ``*_from_sin``). A link to an id that does not exist is reported and set
    missing; the row stays.

    Parameters
    ----------
    year : int
        The cohort: calendar year of ``date_submitted``.
    reviews, children, sins, rapid_reviews : pandas.DataFrame
        Clean frames from :func:`lcspr_stats.validate.clean_source`.
    info : dict
        :class:`SourceInfo` per source name, for the reports.
    rapid_review_years : list of int
        Years of Table 2, so the reconciliation can say which rapid reviews
        it uses.

    Returns
    -------
    CohortFrames
    """
    problems: list[pd.DataFrame] = []
    recon: list[dict] = []

    # --- reviews: the cohort is the calendar year of submission -------------
    submitted_year = reviews["date_submitted"].dt.year
    in_cohort = submitted_year == year
    no_date = reviews["date_submitted"].isna()
    cohort = reviews.loc[in_cohort].copy()
    recon += [
        _recon(info["reviews"], "reviews", "read", "", len(reviews)),
        _recon(info["reviews"], "reviews", "used", f"submitted in {year}", len(cohort)),
        _recon(
            info["reviews"],
            "reviews",
            "excluded",
            "other cohort (submitted in another year)",
            (~in_cohort & ~no_date).sum(),
        ),
        _recon(
            info["reviews"],
            "reviews",
            "excluded",
            "date_submitted missing or unreadable",
            no_date.sum(),
        ),
    ]

    # --- children ---------------------------------------------------------
    known_lcspr = member(children["lcspr_id"], reviews["lcspr_id"])
    orphan = children.loc[children["lcspr_id"].notna() & ~known_lcspr]
    if len(orphan):
        problems.append(
            _problems(
                info["children"],
                orphan,
                "lcspr_id",
                "links to no LCSPR in reviews",
                "row kept; not used",
            )
        )
    child_in_cohort = member(children["lcspr_id"], cohort["lcspr_id"])
    child_undated = member(children["lcspr_id"], reviews.loc[no_date, "lcspr_id"])
    kids = children.loc[child_in_cohort].copy()
    recon += [
        _recon(info["children"], "children", "read", "", len(children)),
        _recon(info["children"], "children", "used", f"child of a {year} LCSPR", len(kids)),
        _recon(
            info["children"],
            "children",
            "excluded",
            "other cohort (child of an LCSPR submitted in another year)",
            (known_lcspr & ~child_in_cohort & ~child_undated).sum(),
        ),
        _recon(
            info["children"],
            "children",
            "excluded",
            "child of an LCSPR whose date_submitted is missing or unreadable",
            child_undated.sum(),
        ),
        _recon(
            info["children"],
            "children",
            "excluded",
            "lcspr_id missing or links to no LCSPR",
            (~known_lcspr).sum(),
        ),
    ]

    # Links from children to the SIN register.
    dangling = kids["sin_id"].notna() & ~member(kids["sin_id"], sins["sin_id"])
    if dangling.any():
        problems.append(
            _problems(
                info["children"], kids.loc[dangling], "sin_id", "links to no SIN", LINK_ACTION
            )
        )
        kids.loc[dangling, "sin_id"] = pd.NA

    # Resolve sex, age and ethnicity from the SIN where the schedule is blank.
    sin_attrs = sins.set_index("sin_id")[
        ["incident_date", "child_sex", "child_age_years", "child_ethnicity"]
    ]
    linked = (
        kids["sin_id"].map(sin_attrs["child_sex"]),
        kids["sin_id"].map(sin_attrs["child_age_years"]),
        kids["sin_id"].map(sin_attrs["child_ethnicity"]),
    )
    for column, flag, from_sin in zip(
        ("sex", "age_years", "ethnicity"),
        ("sex_from_sin", "age_from_sin", "ethnicity_from_sin"),
        linked,
    ):
        take = kids[column].isna() & from_sin.notna()
        kids[flag] = take
        kids[column] = kids[column].where(~take, from_sin.astype(kids[column].dtype))

    # Index child: at most one per LCSPR.
    index_rows = kids.loc[kids["is_index_child"].fillna(False).astype(bool)]
    per_lcspr = index_rows.groupby("lcspr_id")["child_ref"].transform("size")
    several = index_rows.loc[per_lcspr > 1]
    if len(several):
        problems.append(
            _problems(
                info["children"],
                several,
                "is_index_child",
                "two or more index children in one LCSPR",
                "row kept; LCSPR treated as having no index child",
            )
        )
    index_rows = index_rows.loc[per_lcspr == 1]

    # n_children against the rows listed in the children sheet.
    listed = kids.groupby("lcspr_id").size()
    cohort["n_children_listed"] = cohort["lcspr_id"].map(listed).fillna(0).astype(int)
    mismatch = (cohort["n_children_listed"] > 0) & (
        cohort["n_children"] != cohort["n_children_listed"]
    ).fillna(False)
    if mismatch.any():
        bad = cohort.loc[mismatch]
        problems.append(
            _problems(
                info["reviews"],
                bad,
                "n_children",
                "n_children does not match the rows in the children sheet",
                "row kept; the children listed are counted",
            )
        )
        cohort.loc[mismatch, "n_children"] = cohort.loc[mismatch, "n_children_listed"]

    # --- rapid reviews: one per SIN -------------------------------------
    rr_dangling = rapid_reviews["sin_id"].notna() & ~member(rapid_reviews["sin_id"], sins["sin_id"])
    if rr_dangling.any():
        problems.append(
            _problems(
                info["rapid_review_register"],
                rapid_reviews.loc[rr_dangling],
                "sin_id",
                "links to no SIN",
                LINK_ACTION,
            )
        )
    rr_valid = rapid_reviews.loc[~rr_dangling & rapid_reviews["sin_id"].notna()]
    rr_sorted = rr_valid.sort_values(["sin_id", "rr_date"], kind="stable", na_position="last")
    repeated = rr_sorted["sin_id"].duplicated(keep="first")
    if repeated.any():
        problems.append(
            _problems(
                info["rapid_review_register"],
                rr_sorted.loc[repeated],
                "sin_id",
                "a second rapid review for the same SIN",
                "row kept; the earliest rapid review is linked",
            )
        )
    rr_by_sin = rr_sorted.loc[~repeated].set_index("sin_id")

    # --- one row per LCSPR -------------------------------------------------
    index_cols = index_rows.set_index("lcspr_id")
    lcsprs = cohort.copy()
    lcsprs["has_index_child"] = member(lcsprs["lcspr_id"], index_cols.index)
    for column in (
        "sin_id",
        "sex",
        "age_years",
        "ethnicity",
        "sex_from_sin",
        "age_from_sin",
        "ethnicity_from_sin",
    ):
        lcsprs[column] = lcsprs["lcspr_id"].map(index_cols[column])
    for column in ("sin_id", "sex", "ethnicity"):
        # Text stays text when no LCSPR has an index child (all missing maps to numbers).
        lcsprs[column] = lcsprs[column].astype(index_cols[column].dtype)
    for flag in ("sex_from_sin", "age_from_sin", "ethnicity_from_sin"):
        # (all missing, e.g. no index child at all, maps to float NaN: go through boolean)
        lcsprs[flag] = lcsprs[flag].astype("boolean").fillna(False).astype(bool)
    lcsprs["age_years"] = lcsprs["age_years"].astype("Int64")
    lcsprs["incident_date"] = _lookup(lcsprs["sin_id"], sin_attrs["incident_date"]).astype(
        "datetime64[ns]"
    )
    lcsprs["rr_id"] = lcsprs["sin_id"].map(rr_by_sin["rr_id"])
    lcsprs["rr_date"] = _lookup(lcsprs["sin_id"], rr_by_sin["rr_date"]).astype("datetime64[ns]")
    rr_rows = lcsprs["sin_id"].map(rr_by_sin["source_row"])

    # Dates out of order: the duration that needs them is left out.
    rr_early = (lcsprs["rr_date"] < lcsprs["incident_date"]).fillna(False)
    if rr_early.any():
        bad = pd.DataFrame(
            {"source_row": rr_rows[rr_early], "rr_date": lcsprs.loc[rr_early, "rr_date"].dt.date}
        )
        problems.append(
            _problems(
                info["rapid_review_register"],
                bad,
                "rr_date",
                "rapid review before incident",
                "row kept; left out of the incident-to-rapid-review figures",
            )
        )
    lcspr_early = (lcsprs["date_submitted"] < lcsprs["rr_date"]).fillna(False)
    if lcspr_early.any():
        bad = lcsprs.loc[lcspr_early, ["source_row", "date_submitted"]].copy()
        bad["date_submitted"] = bad["date_submitted"].dt.date
        problems.append(
            _problems(
                info["reviews"],
                bad,
                "date_submitted",
                "LCSPR submitted before its rapid review",
                "row kept; left out of the rapid-review-to-LCSPR figures",
            )
        )
    lcsprs["rr_before_incident"] = rr_early
    lcsprs["lcspr_before_rr"] = lcspr_early

    # LCSPR-level sex where there is no index child: the children's, or mixed.
    sexes = kids.dropna(subset=["sex"]).groupby("lcspr_id")["sex"]
    child_sexes = sexes.first().astype(object).where(sexes.nunique() == 1, "mixed")
    # Both sides as text: an empty mapping gives a float column, which
    # Arrow-backed text cannot take values from.
    lcsprs["lcspr_sex"] = (
        lcsprs["sex"]
        .astype("string")
        .where(lcsprs["has_index_child"], lcsprs["lcspr_id"].map(child_sexes).astype("string"))
    )

    # --- SIN and rapid review registers: which rows the cohort uses ----------
    cohort_sins = set(kids["sin_id"].dropna())
    other_sins = set(
        children.loc[known_lcspr & ~child_in_cohort & ~child_undated, "sin_id"].dropna()
    )
    undated_sins = set(children.loc[child_undated, "sin_id"].dropna())
    sin_used = member(sins["sin_id"], cohort_sins)
    sin_other = member(sins["sin_id"], other_sins) & ~sin_used
    sin_undated = member(sins["sin_id"], undated_sins) & ~sin_used & ~sin_other
    recon += [
        _recon(info["sin_register"], "sin_register", "read", "", len(sins)),
        _recon(
            info["sin_register"],
            "sin_register",
            "used",
            f"linked to a child of a {year} LCSPR",
            sin_used.sum(),
        ),
        _recon(
            info["sin_register"],
            "sin_register",
            "excluded",
            "other cohort (linked to an LCSPR submitted in another year)",
            sin_other.sum(),
        ),
        _recon(
            info["sin_register"],
            "sin_register",
            "excluded",
            "linked only to an LCSPR whose date_submitted is missing or unreadable",
            sin_undated.sum(),
        ),
        _recon(
            info["sin_register"],
            "sin_register",
            "excluded",
            "not linked to any LCSPR in the coding schedule",
            (~sin_used & ~sin_other & ~sin_undated).sum(),
        ),
    ]
    rr_linked = member(rapid_reviews["rr_id"], lcsprs["rr_id"].dropna())
    rr_table2 = rapid_reviews["rr_date"].dt.year.isin(rapid_review_years)
    rr_used = rr_linked | rr_table2
    recon += [
        _recon(
            info["rapid_review_register"], "rapid_review_register", "read", "", len(rapid_reviews)
        ),
        _recon(
            info["rapid_review_register"],
            "rapid_review_register",
            "used",
            "received in a Table 2 year or linked to a cohort LCSPR",
            rr_used.sum(),
        ),
        _recon(
            info["rapid_review_register"],
            "rapid_review_register",
            "excluded",
            "other years (received outside the Table 2 years, not linked to the cohort)",
            (~rr_used & rapid_reviews["rr_date"].notna()).sum(),
        ),
        _recon(
            info["rapid_review_register"],
            "rapid_review_register",
            "excluded",
            "rr_date missing or unreadable, not linked to the cohort",
            (~rr_used & rapid_reviews["rr_date"].isna()).sum(),
        ),
    ]

    quality = (
        pd.concat([p for p in problems if len(p)], ignore_index=True)
        if any(len(p) for p in problems)
        else quality_frame()
    )
    reconciliation = pd.DataFrame(recon)
    return CohortFrames(
        lcsprs=lcsprs.reset_index(drop=True),
        children=kids.reset_index(drop=True),
        quality=quality,
        reconciliation=reconciliation,
    )
