"""Joining a cohort's LCSPRs to their children, SINs and rapid reviews, accounting for every row."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .validate import TOTAL_ROW_RULE, quality_frame, show_value


def member(series: pd.Series, values) -> pd.Series:
    """``series.isin(values)`` for id columns, hashed in C.

    Arrow-backed text's own ``isin`` converts the other side value by value in
    Python, which took seconds against a national register's million ids.
    When both sides are text they are matched by Arrow (``pyarrow.compute.is_in``)
    without leaving it; anything else is matched as Python objects.
    """
    left, right = _arrow_text(series), _arrow_text(values)
    if left is not None and right is not None:
        import pyarrow.compute as pc

        found = pc.fill_null(pc.is_in(left, value_set=right, skip_nulls=True), False)
        return pd.Series(found.to_numpy(zero_copy_only=False), index=series.index, dtype=bool)
    other = pd.Series(
        values.to_numpy(dtype=object) if hasattr(values, "to_numpy") else list(values), dtype=object
    )
    found = pd.Series(series.to_numpy(dtype=object), index=series.index, dtype=object).isin(other)
    return found & series.notna()


def _arrow_text(values):
    """``values`` as one Arrow string array if they are text (pandas' Arrow-backed strings,
    or a set or list of ``str``), else None."""
    import pyarrow as pa

    if isinstance(values, pd.Series | pd.Index):
        dtype = values.dtype
        if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
            array = pa.array(values.array)
            return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
        return None
    if isinstance(values, set | frozenset | list | tuple) and all(
        isinstance(v, str) for v in values
    ):
        return pa.array(list(values), type=pa.string())
    return None


LINK_ACTION = "row kept; link set to missing"
# The reconciliation's reason for a total row left at the bottom of a sheet.
TOTAL_ROW_REASON = TOTAL_ROW_RULE + " (row left out)"


def total_rows(frame: pd.DataFrame) -> pd.Series:
    """True for a sum or label row left below a sheet's records (see
    :func:`lcspr_stats.validate.leave_out_total_rows`); all False for a frame
    made without that check."""
    if "total_row" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["total_row"].fillna(False).astype(bool)


def total_row_count(total: pd.Series) -> list[tuple[str, str, int]]:
    """The reconciliation row of a source's total rows: none when it has none, so a
    reconciliation without total rows reads as before the check existed."""
    return [("excluded", TOTAL_ROW_REASON, int(total.sum()))] if total.any() else []


NO_CHILDREN_RULE = "no children listed in the children sheet"


def left_out_reason(year: int) -> str:
    """Why an LCSPR without a readable ``date_submitted`` is in no cohort (the words of both
    its data-quality row and the reconciliation)."""
    return f"left out of the {year} cohort: no valid date_submitted"


def left_out_of_cohort(quality: pd.DataFrame, reviews: SourceInfo, year: int) -> pd.DataFrame:
    """Say in their action that the LCSPRs whose ``date_submitted`` is bad leave the cohort.

    The check of the value ("unparseable date", "required value missing") keeps
    the row and sets the value missing; an LCSPR without a date is then in no
    cohort, and its data-quality row says so rather than "row kept".

    Parameters
    ----------
    quality : pandas.DataFrame
        Data-quality rows of every source of the cohort.
    reviews : SourceInfo
        Where the reviews came from.
    year : int
        The cohort year.

    Returns
    -------
    pandas.DataFrame
        A copy, those rows' ``action`` reading ``LCSPR left out of the <year>
        cohort: no valid date_submitted``.
    """
    if quality.empty:
        return quality
    sheet = quality["sheet"].fillna("").astype(str)
    column = quality["column"].astype(str).str.strip().str.lower().str.replace(" ", "_")
    hit = (
        (quality["file"].astype(str) == reviews.file)
        & (sheet == (reviews.sheet or ""))
        & (column == "date_submitted")
        & is_bad_date_rule(quality["rule"], ("unparseable date", "required value missing"))
    )
    out = quality.copy()
    out.loc[hit, "action"] = f"LCSPR {left_out_reason(year)}"
    return out


# The statistics a cohort LCSPR leaves when a date of its linked records is bad: the SIN's
# incident_date is one end of the first duration, the rapid review's rr_date one end of both.
INCIDENT_TO_RR = "incident_to_rapid_review"
RR_TO_LCSPR = "rapid_review_to_lcspr"
DATE_STATISTICS = {
    ("sin_register", "incident_date"): (INCIDENT_TO_RR,),
    ("rapid_review_register", "rr_date"): (INCIDENT_TO_RR, RR_TO_LCSPR),
}
STATISTIC_WORDS = {
    (INCIDENT_TO_RR,): "the time from incident to rapid review (Table 3)",
    (INCIDENT_TO_RR, RR_TO_LCSPR): (
        "the times from incident to rapid review and from rapid review to LCSPR (Table 3)"
    ),
}
BAD_DATE_RULES = ("unparseable date", "required value missing", "notification before incident")


def is_bad_date_rule(rules: pd.Series, named: tuple[str, ...]) -> pd.Series:
    """True where a data-quality rule is one of ``named`` or the plausible-years rule.

    The plausible-years rule carries its years (``date outside 1950-2100``), as
    the config sets them, so it is matched by its start.
    """
    text = rules.astype(str)
    return text.isin(named) | text.str.startswith("date outside ")


# The reason Table 3's note gives for LCSPRs left out this way (it prints the count).
BAD_DATE_REASON = (
    "Left out because a date it needs could not be read or was implausible (see data_quality.csv)."
)


def left_out_of_statistics(
    quality: pd.DataFrame,
    lcsprs: pd.DataFrame,
    frames: dict[str, pd.DataFrame],
    info: dict[str, SourceInfo],
) -> tuple[pd.DataFrame, dict[str, set]]:
    """Say in their action which statistic a bad date of a cohort LCSPR's records leaves.

    An unreadable, blank or implausible ``incident_date`` of the SIN of an
    LCSPR's index child, or ``rr_date`` of its linked rapid review, is set
    missing by its check ("row kept; value set to missing"); the LCSPR then
    has no duration, and the row says so.

    Parameters
    ----------
    quality : pandas.DataFrame
        Data-quality rows of every source of the cohort.
    lcsprs : pandas.DataFrame
        The cohort's LCSPRs as linked (``sin_id`` and ``rr_id`` of the index child).
    frames : dict
        The clean frame of each source.
    info : dict
        :class:`SourceInfo` per source name.

    Returns
    -------
    quality : pandas.DataFrame
        A copy, those rows' action ending ``; its LCSPR left out of <statistic>``.
    left_out : dict
        Per statistic (``incident_to_rapid_review``, ``rapid_review_to_lcspr``),
        the ``lcspr_id`` of the LCSPRs left out of it this way.
    """
    left_out: dict[str, set] = {INCIDENT_TO_RR: set(), RR_TO_LCSPR: set()}
    if quality.empty or lcsprs.empty:
        return quality, left_out
    out = quality.copy()
    sheet = out["sheet"].fillna("").astype(str)
    column = out["column"].astype(str).str.strip().str.lower().str.replace(" ", "_")
    links = {"sin_register": ("sin_id", "sin_id"), "rapid_review_register": ("rr_id", "rr_id")}
    for (source, date_column), statistics in DATE_STATISTICS.items():
        key, lcspr_key = links[source]
        frame = frames[source]
        linked = lcsprs.dropna(subset=[lcspr_key])
        # Spreadsheet row of each linked record -> the LCSPRs that use it.
        row_of = frame.dropna(subset=[key]).set_index(key)["source_row"]
        users: dict[int, list] = {}
        for lcspr_id, record in zip(linked["lcspr_id"], linked[lcspr_key]):
            if record in row_of.index:
                users.setdefault(int(row_of[record]), []).append(lcspr_id)
        hit = (
            (out["file"].astype(str) == info[source].file)
            & (sheet == (info[source].sheet or ""))
            & (column == date_column)
            & is_bad_date_rule(out["rule"], BAD_DATE_RULES)
            & out["row"].isin(list(users)).fillna(False).astype(bool)
        )
        if not hit.any():
            continue
        words = STATISTIC_WORDS[statistics]
        out.loc[hit, "action"] = out.loc[hit, "action"] + f"; its LCSPR left out of {words}"
        for row in out.loc[hit, "row"]:
            for statistic in statistics:
                left_out[statistic].update(users[int(row)])
    return out, left_out


def note_bad_dates(lcsprs: pd.DataFrame, left_out: dict[str, set]) -> pd.DataFrame:
    """Give the LCSPRs a bad date leaves out of a duration their reason, for Table 3's note.

    Their duration is already missing (the date is); the reason
    (:data:`BAD_DATE_REASON`) goes where no named exclusion gave one, so the
    note counts them ("Excludes <n> cases: ...") as it counts every exclusion.

    Parameters
    ----------
    lcsprs : pandas.DataFrame
        Derived LCSPRs (``excluded_incident_to_rr``, ``excluded_rr_to_lcspr``).
    left_out : dict
        From :func:`left_out_of_statistics`.

    Returns
    -------
    pandas.DataFrame
        A copy when any reason is added, else ``lcsprs`` itself.
    """
    columns = {INCIDENT_TO_RR: "excluded_incident_to_rr", RR_TO_LCSPR: "excluded_rr_to_lcspr"}
    if not any(left_out.values()):
        return lcsprs
    out = lcsprs.copy()
    for statistic, ids in left_out.items():
        column = columns[statistic]
        take = out["lcspr_id"].isin(list(ids)) & out[column].isna()
        out.loc[take, column] = BAD_DATE_REASON
    return out


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


def _quality(problems: list[pd.DataFrame]) -> pd.DataFrame:
    """The data-quality rows of ``problems`` in order, in one frame (empty if none)."""
    found = [p for p in problems if len(p)]
    return pd.concat(found, ignore_index=True) if found else quality_frame()


def _reconcile(
    info: dict[str, SourceInfo], source: str, counts: list[tuple[str, str, int]]
) -> pd.DataFrame:
    """Reconciliation rows of one source: ``(status, reason, rows)`` each."""
    where = info[source]
    return pd.DataFrame(
        [
            {
                "source": source,
                "file": where.file,
                "sheet": where.sheet,
                "status": status,
                "reason": reason,
                "rows": int(rows),
            }
            for status, reason, rows in counts
        ]
    )


def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``keys.map(values)``, also when ``values`` is empty (a blank register).

    pandas cannot map through an empty Series of dates, so that case is all missing.
    """
    if values.empty:
        return pd.Series(index=keys.index, dtype=values.dtype)
    return keys.map(values)


def classified_values(
    reviews: pd.DataFrame,
    children: pd.DataFrame,
    sins: pd.DataFrame,
    rapid_reviews: pd.DataFrame,
    info: dict[str, SourceInfo],
) -> pd.DataFrame:
    """Reconciliation rows of the values read through a shipped classification, per source."""
    from .classifications import reconciliation_rows

    frames = {
        "reviews": reviews,
        "children": children,
        "sin_register": sins,
        "rapid_review_register": rapid_reviews,
    }
    return reconciliation_rows(frames, info)


# --- the steps of link_cohort, in the order it takes them ---------------------------------


def select_cohort(
    reviews: pd.DataFrame, year: int, info: dict[str, SourceInfo]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cohort's LCSPRs: those submitted in the calendar year ``year``.

    Parameters
    ----------
    reviews : pandas.DataFrame
        The clean coding schedule, one row per LCSPR.
    year : int
        The cohort year.
    info : dict
        :class:`SourceInfo` per source name.

    Returns
    -------
    cohort : pandas.DataFrame
        The cohort's rows (a copy).
    reconciliation : pandas.DataFrame
        The reviews' rows read, used and excluded (other year; no date).
    """
    total = total_rows(reviews)
    in_cohort = (reviews["date_submitted"].dt.year == year) & ~total
    no_date = reviews["date_submitted"].isna() & ~total
    cohort = reviews.loc[in_cohort].copy()
    reconciliation = _reconcile(
        info,
        "reviews",
        [
            ("read", "", len(reviews)),
            ("used", f"submitted in {year}", len(cohort)),
            (
                "excluded",
                "other cohort (submitted in another year)",
                (~in_cohort & ~no_date & ~total).sum(),
            ),
            ("excluded", left_out_reason(year), no_date.sum()),
            *total_row_count(total),
        ],
    )
    return cohort, reconciliation


def child_scope(
    children: pd.DataFrame, reviews: pd.DataFrame, cohort: pd.DataFrame
) -> pd.DataFrame:
    """Which LCSPR each child row belongs to: known, in the cohort, undated.

    Parameters
    ----------
    children : pandas.DataFrame
        The clean children sheet.
    reviews : pandas.DataFrame
        Every LCSPR of the coding schedule.
    cohort : pandas.DataFrame
        The cohort's LCSPRs (:func:`select_cohort`).

    Returns
    -------
    pandas.DataFrame
        Indexed as ``children``, three boolean columns: ``known`` (its
        ``lcspr_id`` is an LCSPR of the schedule), ``in_cohort`` (a cohort
        LCSPR) and ``undated`` (an LCSPR whose ``date_submitted`` is missing).
    """
    no_date = reviews["date_submitted"].isna()
    return pd.DataFrame(
        {
            "known": member(children["lcspr_id"], reviews["lcspr_id"]),
            "in_cohort": member(children["lcspr_id"], cohort["lcspr_id"]),
            "undated": member(children["lcspr_id"], reviews.loc[no_date, "lcspr_id"]),
        },
        index=children.index,
    )


def link_children_to_reviews(
    children: pd.DataFrame, scope: pd.DataFrame, year: int, info: dict[str, SourceInfo]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The cohort's children; a child linking to no LCSPR is reported.

    Parameters
    ----------
    children : pandas.DataFrame
        The clean children sheet.
    scope : pandas.DataFrame
        From :func:`child_scope`.
    year : int
        The cohort year (for the reconciliation's wording).
    info : dict
        :class:`SourceInfo` per source name.

    Returns
    -------
    kids : pandas.DataFrame
        The children of cohort LCSPRs (a copy).
    quality : pandas.DataFrame
        A row per child whose ``lcspr_id`` is no LCSPR of the schedule.
    reconciliation : pandas.DataFrame
        The children's rows read, used and excluded, with reasons.
    """
    known, in_cohort, undated = scope["known"], scope["in_cohort"], scope["undated"]
    total = total_rows(children)
    problems = []
    orphan = children.loc[children["lcspr_id"].notna() & ~known]
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
    kids = children.loc[in_cohort].copy()
    reconciliation = _reconcile(
        info,
        "children",
        [
            ("read", "", len(children)),
            ("used", f"child of a {year} LCSPR", len(kids)),
            (
                "excluded",
                "other cohort (child of an LCSPR submitted in another year)",
                (known & ~in_cohort & ~undated).sum(),
            ),
            ("excluded", f"child of an LCSPR {left_out_reason(year)}", undated.sum()),
            ("excluded", "lcspr_id missing or links to no LCSPR", (~known & ~total).sum()),
            *total_row_count(total),
        ],
    )
    return kids, _quality(problems), reconciliation


def link_children_to_sins(
    kids: pd.DataFrame, sins: pd.DataFrame, info: dict[str, SourceInfo]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Children's links to the SIN register: a link to no SIN is reported and set missing.

    Parameters
    ----------
    kids : pandas.DataFrame
        The cohort's children (changed in place and returned).
    sins : pandas.DataFrame
        The clean SIN register.
    info : dict
        :class:`SourceInfo` per source name.

    Returns
    -------
    kids : pandas.DataFrame
        With ``sin_id`` missing where it named no SIN.
    quality : pandas.DataFrame
        A row per such link.
    """
    problems = []
    dangling = kids["sin_id"].notna() & ~member(kids["sin_id"], sins["sin_id"])
    if dangling.any():
        problems.append(
            _problems(
                info["children"], kids.loc[dangling], "sin_id", "links to no SIN", LINK_ACTION
            )
        )
        kids.loc[dangling, "sin_id"] = pd.NA
    return kids, _quality(problems)


def sin_attributes(sins: pd.DataFrame) -> pd.DataFrame:
    """The SIN columns a child or LCSPR takes, indexed by ``sin_id``.

    Parameters
    ----------
    sins : pandas.DataFrame
        The clean SIN register.

    Returns
    -------
    pandas.DataFrame
        ``incident_date``, ``notification_date``, ``child_sex``,
        ``child_age_years`` and ``child_ethnicity`` by ``sin_id``.
    """
    # (with the classification a sex or ethnicity was read through, where one was)
    via = [c for c in ("child_sex_classification", "child_ethnicity_classification") if c in sins]
    return sins.set_index("sin_id")[
        [
            "incident_date",
            "notification_date",
            "child_sex",
            "child_age_years",
            "child_ethnicity",
            *via,
        ]
    ]


def fill_from_sin(kids: pd.DataFrame, sin_attrs: pd.DataFrame) -> pd.DataFrame:
    """Sex, age and ethnicity from the child's SIN where the schedule leaves them blank.

    Parameters
    ----------
    kids : pandas.DataFrame
        The cohort's children, links checked (:func:`link_children_to_sins`);
        changed in place and returned.
    sin_attrs : pandas.DataFrame
        From :func:`sin_attributes`.

    Returns
    -------
    pandas.DataFrame
        ``kids`` with the blanks filled and ``sex_from_sin``,
        ``age_from_sin`` and ``ethnicity_from_sin`` saying which were.
    """
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
        _carry_classification(kids, column, sin_attrs, take)
    return kids


def _carry_classification(
    kids: pd.DataFrame, column: str, sin_attrs: pd.DataFrame, take: pd.Series
) -> None:
    """Keep, with a value, the classification it was read through (the SIN's where taken)."""
    via, sin_via = f"{column}_classification", f"child_{column}_classification"
    if via not in kids and sin_via not in sin_attrs:
        return
    own = kids[via] if via in kids else pd.Series(pd.NA, index=kids.index, dtype="string")
    theirs = (
        kids["sin_id"].map(sin_attrs[sin_via]).astype("string")
        if sin_via in sin_attrs
        else pd.Series(pd.NA, index=kids.index, dtype="string")
    )
    kids[via] = own.where(~take, theirs)


def pick_index_children(
    kids: pd.DataFrame, info: dict[str, SourceInfo]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each LCSPR's index child: at most one; an LCSPR naming several has none.

    Parameters
    ----------
    kids : pandas.DataFrame
        The cohort's children.
    info : dict
        :class:`SourceInfo` per source name.

    Returns
    -------
    index_rows : pandas.DataFrame
        One row per LCSPR with exactly one index child.
    quality : pandas.DataFrame
        A row per index child of an LCSPR that names two or more.
    """
    problems = []
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
    return index_rows.loc[per_lcspr == 1], _quality(problems)


def count_children_listed(
    cohort: pd.DataFrame, kids: pd.DataFrame, info: dict[str, SourceInfo]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n_children`` checked against the rows the children sheet lists for each LCSPR.

    Parameters
    ----------
    cohort : pandas.DataFrame
        The cohort's LCSPRs (changed in place and returned).
    kids : pandas.DataFrame
        The cohort's children.
    info : dict
        :class:`SourceInfo` per source name.

    Returns
    -------
    cohort : pandas.DataFrame
        With ``n_children_listed``; where children are listed and their
        number differs, ``n_children`` becomes that number.
    quality : pandas.DataFrame
        A row per LCSPR whose ``n_children`` was replaced.
    """
    problems = []
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
    none = cohort.loc[cohort["n_children_listed"] == 0]
    if len(none):
        problems.append(
            _problems(
                info["reviews"],
                none,
                "lcspr_id",
                NO_CHILDREN_RULE,
                "row kept; no index child: its child's details and incident count as not known",
            )
        )
    return cohort, _quality(problems)


def link_rapid_reviews(
    rapid_reviews: pd.DataFrame, sins: pd.DataFrame, info: dict[str, SourceInfo]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One rapid review per SIN: the earliest; links to no SIN and repeats reported.

    Parameters
    ----------
    rapid_reviews : pandas.DataFrame
        The clean rapid review register.
    sins : pandas.DataFrame
        The clean SIN register.
    info : dict
        :class:`SourceInfo` per source name.

    Returns
    -------
    rr_by_sin : pandas.DataFrame
        The linked rapid reviews, indexed by ``sin_id``.
    quality : pandas.DataFrame
        A row per rapid review linking to no SIN, then one per later rapid
        review of a SIN.
    """
    problems = []
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
    # Only the SINs with two or more rapid reviews need sorting (by SIN, then date, stable,
    # as the whole register would be: a stable sort of a part keeps the order it has in the
    # whole); a SIN's only rapid review is its earliest.
    shared = rr_valid["sin_id"].duplicated(keep=False)
    several = rr_valid.loc[shared].sort_values(
        ["sin_id", "rr_date"], kind="stable", na_position="last"
    )
    repeated = several["sin_id"].duplicated(keep="first")
    if repeated.any():
        problems.append(
            _problems(
                info["rapid_review_register"],
                several.loc[repeated],
                "sin_id",
                "a second rapid review for the same SIN",
                "row kept; the earliest rapid review is linked",
            )
        )
    earliest = ~shared
    earliest.loc[several.index[~repeated.to_numpy()]] = True
    return rr_valid.loc[earliest].set_index("sin_id"), _quality(problems)


def link_index_child(
    cohort: pd.DataFrame,
    index_rows: pd.DataFrame,
    sin_attrs: pd.DataFrame,
    rr_by_sin: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.Series]:
    """One row per LCSPR: its index child's attributes, SIN, incident and rapid review.

    Parameters
    ----------
    cohort : pandas.DataFrame
        The cohort's LCSPRs (:func:`count_children_listed`).
    index_rows : pandas.DataFrame
        From :func:`pick_index_children`, attributes filled (:func:`fill_from_sin`).
    sin_attrs : pandas.DataFrame
        From :func:`sin_attributes`.
    rr_by_sin : pandas.DataFrame
        From :func:`link_rapid_reviews`.

    Returns
    -------
    lcsprs : pandas.DataFrame
        A copy of ``cohort`` with ``has_index_child``, the index child's
        ``sin_id``, ``sex``, ``age_years``, ``ethnicity`` and ``*_from_sin``
        flags, ``incident_date``, ``rr_id`` and ``rr_date``.
    rr_rows : pandas.Series
        The register row of each LCSPR's rapid review (for data-quality rows).
    """
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
    for column in ("sex_classification", "ethnicity_classification"):
        if column in index_cols:
            lcsprs[column] = lcsprs["lcspr_id"].map(index_cols[column]).astype("string")
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
    # The clock of the working days to the rapid review may start here (config).
    lcsprs["notification_date"] = _lookup(lcsprs["sin_id"], sin_attrs["notification_date"]).astype(
        "datetime64[ns]"
    )
    lcsprs["rr_id"] = lcsprs["sin_id"].map(rr_by_sin["rr_id"])
    lcsprs["rr_date"] = _lookup(lcsprs["sin_id"], rr_by_sin["rr_date"]).astype("datetime64[ns]")
    rr_rows = lcsprs["sin_id"].map(rr_by_sin["source_row"])
    return lcsprs, rr_rows


def flag_dates_out_of_order(
    lcsprs: pd.DataFrame, rr_rows: pd.Series, info: dict[str, SourceInfo]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Dates out of order: reported, and the duration that needs them is left out.

    Parameters
    ----------
    lcsprs : pandas.DataFrame
        From :func:`link_index_child` (changed in place and returned).
    rr_rows : pandas.Series
        From :func:`link_index_child`.
    info : dict
        :class:`SourceInfo` per source name.

    Returns
    -------
    lcsprs : pandas.DataFrame
        With ``rr_before_incident`` and ``lcspr_before_rr``.
    quality : pandas.DataFrame
        A row per rapid review before its incident, then one per LCSPR
        submitted before its rapid review.
    """
    problems = []
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
    return lcsprs, _quality(problems)


RECEIVED_DIFFERS = "LCSPR received date differs from the coding schedule's date_submitted"


def flag_received_mismatch(
    lcsprs: pd.DataFrame,
    rapid_reviews: pd.DataFrame,
    rr_rows: pd.Series,
    info: dict[str, SourceInfo],
) -> pd.DataFrame:
    """A row per cohort LCSPR whose rapid review's ``lcspr_received_date`` is not its submission.

    The coding schedule wins: the review pipeline takes ``date_submitted``
    (:mod:`lcspr_stats.pipeline`). Nothing is checked when the register has
    no ``lcspr_received_date`` column (a blank one, when it has, differs).

    Parameters
    ----------
    lcsprs : pandas.DataFrame
        From :func:`link_index_child`.
    rapid_reviews : pandas.DataFrame
        The clean rapid review register (its ``attrs`` say which optional columns it had).
    rr_rows : pandas.Series
        From :func:`link_index_child`.
    info : dict
        :class:`SourceInfo` per source name.

    Returns
    -------
    pandas.DataFrame
        Data-quality rows (empty if none).
    """
    if "lcspr_received_date" not in rapid_reviews.attrs.get("pipeline_columns", []):
        return quality_frame()
    received = lcsprs["rr_id"].map(
        rapid_reviews.dropna(subset=["rr_id"]).set_index("rr_id")["lcspr_received_date"]
    )
    linked = lcsprs["rr_id"].notna() & lcsprs["date_submitted"].notna()
    differs = linked & (received.isna() | (received != lcsprs["date_submitted"])).fillna(True)
    if not differs.any():
        return quality_frame()
    bad = pd.DataFrame(
        {"source_row": rr_rows[differs], "lcspr_received_date": received[differs].dt.date}
    )
    return _problems(
        info["rapid_review_register"],
        bad,
        "lcspr_received_date",
        RECEIVED_DIFFERS,
        "row kept; the coding schedule's date_submitted is used",
    )


def lcspr_sex(lcsprs: pd.DataFrame, kids: pd.DataFrame) -> pd.DataFrame:
    """LCSPR-level sex: the index child's; without one, the children's, or mixed.

    Parameters
    ----------
    lcsprs : pandas.DataFrame
        One row per LCSPR (changed in place and returned).
    kids : pandas.DataFrame
        The cohort's children, attributes filled.

    Returns
    -------
    pandas.DataFrame
        ``lcsprs`` with ``lcspr_sex``.
    """
    sexes = kids.dropna(subset=["sex"]).groupby("lcspr_id")["sex"]
    child_sexes = sexes.first().astype(object).where(sexes.nunique() == 1, "mixed")
    # Both sides as text: an empty mapping gives a float column, which
    # Arrow-backed text cannot take values from.
    lcsprs["lcspr_sex"] = (
        lcsprs["sex"]
        .astype("string")
        .where(lcsprs["has_index_child"], lcsprs["lcspr_id"].map(child_sexes).astype("string"))
    )
    return lcsprs


def reconcile_sins(
    sins: pd.DataFrame,
    children: pd.DataFrame,
    kids: pd.DataFrame,
    scope: pd.DataFrame,
    year: int,
    info: dict[str, SourceInfo],
) -> pd.DataFrame:
    """Which SIN register rows the cohort uses, and why the others are left out.

    Parameters
    ----------
    sins : pandas.DataFrame
        The clean SIN register.
    children : pandas.DataFrame
        Every child of the schedule.
    kids : pandas.DataFrame
        The cohort's children, links checked.
    scope : pandas.DataFrame
        From :func:`child_scope`.
    year : int
        The cohort year.
    info : dict
        :class:`SourceInfo` per source name.

    Returns
    -------
    pandas.DataFrame
        The SIN register's rows read, used and excluded, with reasons.
    """
    known, in_cohort, undated = scope["known"], scope["in_cohort"], scope["undated"]
    cohort_sins = set(kids["sin_id"].dropna())
    other_sins = set(children.loc[known & ~in_cohort & ~undated, "sin_id"].dropna())
    undated_sins = set(children.loc[undated, "sin_id"].dropna())
    sin_used = member(sins["sin_id"], cohort_sins)
    sin_other = member(sins["sin_id"], other_sins) & ~sin_used
    sin_undated = member(sins["sin_id"], undated_sins) & ~sin_used & ~sin_other
    total = total_rows(sins)
    return _reconcile(
        info,
        "sin_register",
        [
            ("read", "", len(sins)),
            ("used", f"linked to a child of a {year} LCSPR", sin_used.sum()),
            (
                "excluded",
                "other cohort (linked to an LCSPR submitted in another year)",
                sin_other.sum(),
            ),
            (
                "excluded",
                f"linked only to an LCSPR {left_out_reason(year)}",
                sin_undated.sum(),
            ),
            (
                "excluded",
                "not linked to any LCSPR in the coding schedule",
                (~sin_used & ~sin_other & ~sin_undated & ~total).sum(),
            ),
            *total_row_count(total),
        ],
    )


def reconcile_rapid_reviews(
    rapid_reviews: pd.DataFrame,
    lcsprs: pd.DataFrame,
    rapid_review_years: list[int],
    info: dict[str, SourceInfo],
) -> pd.DataFrame:
    """Which rapid review register rows the cohort uses, and why the others are left out.

    Parameters
    ----------
    rapid_reviews : pandas.DataFrame
        The clean rapid review register.
    lcsprs : pandas.DataFrame
        One row per cohort LCSPR, with its ``rr_id``.
    rapid_review_years : list of int
        The years of Table 2 (a rapid review received then is used).
    info : dict
        :class:`SourceInfo` per source name.

    Returns
    -------
    pandas.DataFrame
        The register's rows read, used and excluded, with reasons.
    """
    rr_linked = member(rapid_reviews["rr_id"], lcsprs["rr_id"].dropna())
    rr_table2 = rapid_reviews["rr_date"].dt.year.isin(rapid_review_years)
    total = total_rows(rapid_reviews)
    rr_used = (rr_linked | rr_table2) & ~total
    return _reconcile(
        info,
        "rapid_review_register",
        [
            ("read", "", len(rapid_reviews)),
            ("used", "received in a Table 2 year or linked to a cohort LCSPR", rr_used.sum()),
            (
                "excluded",
                "other years (received outside the Table 2 years, not linked to the cohort)",
                (~rr_used & rapid_reviews["rr_date"].notna()).sum(),
            ),
            (
                "excluded",
                "rr_date missing or unreadable, not linked to the cohort",
                (~rr_used & rapid_reviews["rr_date"].isna() & ~total).sum(),
            ),
            *total_row_count(total),
        ],
    )


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
    missing; the row stays. The steps, each its own function: select the
    cohort (:func:`select_cohort`), link children to reviews
    (:func:`link_children_to_reviews`) and to SINs
    (:func:`link_children_to_sins`), fill from the SIN (:func:`fill_from_sin`),
    pick index children (:func:`pick_index_children`), count the children
    listed (:func:`count_children_listed`), link rapid reviews
    (:func:`link_rapid_reviews`), link each LCSPR's index child
    (:func:`link_index_child`), flag dates out of order
    (:func:`flag_dates_out_of_order`), the LCSPR's sex (:func:`lcspr_sex`),
    and the reconciliation of every source.

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
    cohort, recon_reviews = select_cohort(reviews, year, info)
    scope = child_scope(children, reviews, cohort)
    kids, orphans, recon_children = link_children_to_reviews(children, scope, year, info)
    kids, dangling = link_children_to_sins(kids, sins, info)
    sin_attrs = sin_attributes(sins)
    kids = fill_from_sin(kids, sin_attrs)
    index_rows, several = pick_index_children(kids, info)
    cohort, miscounted = count_children_listed(cohort, kids, info)
    rr_by_sin, rr_links = link_rapid_reviews(rapid_reviews, sins, info)
    lcsprs, rr_rows = link_index_child(cohort, index_rows, sin_attrs, rr_by_sin)
    lcsprs, out_of_order = flag_dates_out_of_order(lcsprs, rr_rows, info)
    received_differs = flag_received_mismatch(lcsprs, rapid_reviews, rr_rows, info)
    lcsprs = lcspr_sex(lcsprs, kids)
    reconciliation = pd.concat(
        [
            recon_reviews,
            recon_children,
            reconcile_sins(sins, children, kids, scope, year, info),
            reconcile_rapid_reviews(rapid_reviews, lcsprs, rapid_review_years, info),
            classified_values(reviews, children, sins, rapid_reviews, info),
        ],
        ignore_index=True,
    )
    quality = _quality(
        [orphans, dangling, several, miscounted, rr_links, out_of_order, received_differs]
    )
    return CohortFrames(
        lcsprs=lcsprs.reset_index(drop=True),
        children=kids.reset_index(drop=True),
        quality=quality,
        reconciliation=reconciliation,
    )
