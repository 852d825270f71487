"""The synthetic registers and coding schedule, built from a profile so every target holds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .draws import DAY, Calendar, day, dec31, exact, jan1, random_day, weighted
from .profile import LCSPR_ID, CalibrationError

# The columns of each frame, in the data contract's order.
SIN_COLUMNS = [
    "sin_id",
    "partnership",
    "incident_date",
    "notification_date",
    "incident_type",
    "child_sex",
    "child_age_years",
    "child_ethnicity",
]
RR_COLUMNS = [
    "rr_id",
    "sin_id",
    "rr_date",
    "lcspr_decision",
    "lcspr_received_date",
    "lcspr_publication",
]
THEME_COLUMNS = [
    "theme_daily_life",
    "theme_engagement",
    "theme_critical_thinking",
    "theme_changing_risk",
    "theme_information_sharing",
    "theme_leadership_culture",
]
REVIEW_COLUMNS = [
    "lcspr_id",
    "partnership",
    "date_submitted",
    "review_type",
    "n_children",
    "incident_type",
    "harm_category",
    "harm_subcategory",
    "published",
    "methodology",
    "in_subsample",
    "in_race_subsample",
    *THEME_COLUMNS,
]
CHILD_COLUMNS = [
    "lcspr_id",
    "child_ref",
    "is_index_child",
    "sin_id",
    "sex",
    "age_years",
    "ethnicity",
]


# Second seed word of the review pipeline's own random generator.
PIPELINE_STREAM = 10


def draw_sexes(rng, sex: object, n: int) -> list[str]:
    """``n`` sexes: exact counts from a mapping, one value repeated, or (None) drawn at random."""
    if isinstance(sex, Mapping):
        return exact(rng, sex, n)
    if sex is None:
        return [str(s) for s in rng.choice(["male", "female"], size=n)]
    return [sex] * n


def build_cohort(profile: Mapping, seed: int) -> dict[str, pd.DataFrame]:
    """Build the frames of the cohort ``profile`` describes, unchecked.

    Every target holds by construction; :func:`lcspr_stats.synth.generate`
    then recomputes the figures and checks them.

    Parameters
    ----------
    profile : mapping
        A profile (:func:`lcspr_stats.synth.load_profile`).
    seed : int
        Seed of the one random generator every draw takes from, in a fixed order.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``sins``, ``rapid_reviews``, ``reviews`` and ``children``, with the
        columns of the data contract.

    Raises
    ------
    CalibrationError
        The profile asks for something that cannot be built.
    """
    rng = np.random.default_rng(seed)
    design = profile["design"]
    calendar = Calendar(profile["rules"]["bank_holidays"])
    partnerships = _partnership_names(design["partnerships"])

    plan = _expand_strata(design, rng)
    _assign_index_ethnicity(plan, profile, rng)
    _assign_timeline(plan, profile, rng, calendar)
    for row in plan:
        row["partnership"] = partnerships[rng.integers(len(partnerships))]
    sins, rrs = _build_children_and_sins(plan, profile, rng, calendar)
    _blank_index_values(plan, profile, rng)
    _assign_review_codes(plan, profile, rng)
    _add_national(sins, rrs, profile, rng, calendar, partnerships)
    frames = _assemble(plan, sins, rrs, profile, rng)
    # The review pipeline draws from a generator of its own, after every other
    # draw: the registers and schedule are the same as before it was added.
    _add_pipeline(frames, profile, np.random.default_rng([int(seed), PIPELINE_STREAM]), calendar)
    return frames


def _partnership_names(spec: Mapping) -> list[str]:
    return [spec["name"].format(i) for i in range(1, int(spec["count"]) + 1)]


# --------------------------------------------------------------------------
# The LCSPRs
# --------------------------------------------------------------------------


def _expand_strata(design: Mapping, rng: np.random.Generator) -> list[dict]:
    """One planned LCSPR (a dict) per row of the strata."""
    sizes = [int(k) for k, v in design["sibling_group_sizes"].items() for _ in range(int(v))]
    sizes = [sizes[i] for i in rng.permutation(len(sizes))]
    plan = []
    for stratum in design["strata"]:
        n = int(stratum.get("n", 1))
        sexes = draw_sexes(rng, stratum.get("sex"), n)
        lo, hi = stratum["age"]
        for sex_i in sexes:
            review_type = stratum.get("review_type")
            if review_type == "sibling group":
                if not sizes:
                    raise CalibrationError("more sibling groups than sibling_group_sizes")
                n_children = sizes.pop()
            else:
                n_children = int(stratum.get("children", 1))
            case = stratum.get("case")
            plan.append(
                {
                    "stratum": stratum,
                    "incident_type": stratum["incident_type"],
                    "harm_category": stratum["harm_category"],
                    "harm_subcategory": stratum.get("harm_subcategory"),
                    "review_type": review_type,
                    "n_children": n_children,
                    "index": stratum.get("index", "linked"),
                    "sex": sex_i,
                    "age": int(rng.integers(lo, hi + 1)),
                    "in_subsample": bool(stratum.get("in_subsample", False)),
                    "other_child_minoritised": bool(stratum.get("other_child_minoritised", False)),
                    "case": case,
                    "lcspr_id": case if case and LCSPR_ID.match(case) else None,
                }
            )
    if sizes:
        raise CalibrationError(f"{len(sizes)} sibling group sizes left unused")
    return plan


def _assign_index_ethnicity(plan: list[dict], profile: Mapping, rng: np.random.Generator) -> None:
    """Give each index child a DfE code so the group counts hit the targets."""
    design = profile["design"]
    group_of = profile["rules"]["ethnic_group_of_code"]
    missing = profile["rules"]["ethnic_group_missing"]
    counts = Counter(profile["targets"]["ethnic_group_counts"])
    free = []
    for row in plan:
        if row["index"] == "none":
            row["ethnicity"] = None
            continue
        code = row["stratum"].get("ethnicity")
        if row["other_child_minoritised"]:
            code = "WBRI"
        if code is not None:
            row["ethnicity"] = code
            counts[group_of[code]] -= 1
        else:
            free.append(row)
    not_known = list(design["not_known_codes"])
    not_known = [not_known[i] for i in rng.permutation(len(not_known))]
    if counts[missing] != len(not_known):
        raise CalibrationError("not_known_codes must list one code per 'Not known' index child")
    for row, group in zip(free, exact(rng, counts, len(free)), strict=True):
        if group == missing:
            row["ethnicity"] = not_known.pop()
        else:
            row["ethnicity"] = weighted(rng, design["ethnicity_codes"][group])


def _assign_timeline(
    plan: list[dict], profile: Mapping, rng: np.random.Generator, calendar: Calendar
) -> None:
    """Incident, notification, rapid review and submission dates.

    Completed weeks from incident to rapid review and from rapid review to
    submission are drawn to hit the targets' N, median, minimum, maximum
    and the within-15-working-days / within-26-weeks counts, then matched
    to LCSPRs so that every date falls in its year.
    """
    targets = profile["targets"]
    rules = profile["rules"]
    timeline = profile["design"]["timeline"]
    cohort = int(profile["cohort_year"])
    specials = timeline["special_cases"]
    rr_start = day(timeline["rr_register_start"])
    min_gap = int(timeline["min_days_to_submission"])
    excluded_a = set(rules["exclusions"]["incident_to_rr"])
    excluded_b = set(rules["exclusions"]["rr_to_lcspr"])

    linked = [row for row in plan if row["index"] == "linked"]
    for row in plan:
        row.update(incident=None, notification=None, rr=None, submitted=None, has_rr=False)
    by_case = {row["case"]: row for row in linked if row["case"]}
    if set(by_case) != set(specials):
        raise CalibrationError(
            f"special cases {sorted(specials)} != strata cases {sorted(by_case)}"
        )

    # Which linked LCSPRs have no rapid review, and every incident year.
    year_counts = Counter({int(y): int(k) for y, k in targets["incident_year_counts"].items()})
    ordinary = [row for row in linked if not row["case"]]
    no_rr_years = [int(y) for y, k in timeline["no_rr_incident_years"].items() for _ in range(k)]
    for row in linked:
        row["has_rr"] = True
    picks = rng.choice(len(ordinary), size=len(no_rr_years), replace=False)
    for i, year in zip(picks, no_rr_years, strict=True):
        ordinary[i].update(incident_year=year, has_rr=False)
        year_counts[year] -= 1
    for case, spec in specials.items():
        by_case[case]["incident_year"] = int(spec["incident_year"])
        year_counts[int(spec["incident_year"])] -= 1
    rest = [row for row in ordinary if row["has_rr"]]
    for row, year in zip(rest, exact(rng, year_counts, len(rest)), strict=True):
        row["incident_year"] = year
    with_rr = [row for row in linked if row["has_rr"]]

    def excluded(row, names):
        return row["lcspr_id"] is not None and row["lcspr_id"] in names

    # Completed weeks, rapid review to LCSPR. A special case with a fixed
    # rapid review window has its weeks derived from the dates (its "derived").
    for row in with_rr:
        row["derived"] = "rr_window" in specials.get(row["case"], {})
        if row["derived"] and not excluded(row, excluded_a):
            raise CalibrationError(f"{row['case']}: a fixed rapid review window must be excluded")
    b_rows = [row for row in with_rr if not excluded(row, excluded_b)]
    n_derived = sum(row["derived"] for row in b_rows)
    b_weeks = _rr_to_lcspr_weeks(targets, timeline["rr_to_lcspr"], n_derived, rng)
    if len(b_weeks) + n_derived != len(b_rows):
        raise CalibrationError(f"{len(b_rows)} LCSPRs count in rapid review to LCSPR, not N")
    for row in b_rows:
        weeks = specials.get(row["case"], {}).get("rr_to_lcspr_weeks")
        if weeks is not None:
            b_weeks.remove(int(weeks))
            row["b_weeks"] = int(weeks)
    # The longest durations go to the earliest incidents.
    free_b = [row for row in b_rows if not row["derived"] and "b_weeks" not in row]
    tiebreak = rng.permutation(len(free_b))
    order = sorted(range(len(free_b)), key=lambda i: (free_b[i]["incident_year"], tiebreak[i]))
    for i, weeks in zip(order, sorted(b_weeks, reverse=True), strict=True):
        free_b[i]["b_weeks"] = weeks

    # Days, incident to rapid review, matched to LCSPRs that can take them.
    a_rows = [row for row in with_rr if not excluded(row, excluded_a)]
    a_days = _incident_to_rr_days(targets, timeline["incident_to_rr"], rng)
    if len(a_days) != len(a_rows):
        raise CalibrationError(f"{len(a_rows)} LCSPRs count in incident to rapid review, not N")
    for row in a_rows:
        weeks = specials.get(row["case"], {}).get("incident_to_rr_weeks")
        if weeks is not None:
            pick = next(d for d in a_days if d // 7 == int(weeks))
            a_days.remove(pick)
            row["a_days"] = pick
    # Longest first, each to a random LCSPR whose dates can take it.
    pending = [row for row in a_rows if "a_days" not in row]
    for days in sorted(a_days, reverse=True):
        fits = [
            row
            for row in pending
            if len(calendar.busdays(*_rr_bounds(row, days, cohort, rr_start, min_gap)))
        ]
        if not fits:
            raise CalibrationError(f"no LCSPR can take {days} days from incident to rapid review")
        chosen = fits[rng.integers(len(fits))]
        chosen["a_days"] = days
        pending = [row for row in pending if row is not chosen]

    delays = timeline["notification_delay_weights"]
    delay_weights = dict(enumerate(delays))
    for row in linked:
        spec = specials.get(row["case"], {})
        year = row["incident_year"]
        if "rr_window" in spec:
            lo, hi = (day(d) for d in spec["rr_window"])
            row["rr"] = calendar.random_busday(rng, lo, hi)
            row["incident"] = random_day(rng, jan1(year), dec31(year))
            back_lo, back_hi = spec["notification_days_before_rr"]
            row["notification"] = row["rr"] - int(rng.integers(back_lo, back_hi + 1)) * DAY
        elif row["has_rr"]:
            days = row["a_days"]
            row["rr"] = calendar.random_busday(
                rng, *_rr_bounds(row, days, cohort, rr_start, min_gap)
            )
            row["incident"] = row["rr"] - days * DAY
            delay = min(int(weighted(rng, delay_weights)), days)
            row["notification"] = row["incident"] + delay * DAY
        else:
            row["incident"] = random_day(rng, jan1(year), dec31(year))
            row["notification"] = row["incident"] + int(weighted(rng, delay_weights)) * DAY
        # Submission date.
        if "b_weeks" in row:
            base = row["rr"] + 7 * row["b_weeks"] * DAY
            options = [r for r in range(7) if calendar.is_busday(base + r * DAY)]
            row["submitted"] = base + int(options[rng.integers(len(options))]) * DAY
        else:
            start = row["rr"] if row["has_rr"] else row["incident"]
            row["submitted"] = calendar.random_busday(
                rng, max(start + min_gap * DAY, jan1(cohort)), dec31(cohort)
            )
    for row in plan:
        if row["index"] != "linked":
            row["submitted"] = calendar.random_busday(rng, jan1(cohort), dec31(cohort))


def _rr_bounds(row: Mapping, a_days: int, cohort: int, rr_start, min_gap: int):
    """First and last possible rapid review date of a planned LCSPR."""
    year = row["incident_year"]
    lo = max(jan1(year) + a_days * DAY, rr_start)
    hi = dec31(year) + a_days * DAY
    weeks = row.get("b_weeks")
    if weeks is None:
        hi = min(hi, dec31(cohort) - min_gap * DAY)
    else:
        lo = max(lo, jan1(cohort) - 7 * weeks * DAY)
        hi = min(hi, dec31(cohort) - (7 * weeks + 6) * DAY)
    return lo, hi


def _incident_to_rr_days(targets: Mapping, shape: Mapping, rng: np.random.Generator) -> list[int]:
    """Days from incident to rapid review for the N LCSPRs that count.

    0-20 days (weeks 0-2) and exactly 21 days are always within 15 working
    days; 28 days or more never are, whatever the bank holidays.
    """
    days = []
    same_day = int(shape["n_same_day"])
    for weeks, k in shape["within_weeks"].items():
        for _ in range(int(k)):
            if int(weeks) == 0 and same_day:
                days.append(0)
                same_day -= 1
            else:
                days.append(7 * int(weeks) + int(rng.integers(1 if int(weeks) == 0 else 0, 7)))
    days += [21] * int(shape["n_exactly_21_days"])
    for weeks, k in shape["outside_weeks"].items():
        if int(weeks) < 4:
            raise CalibrationError("outside_weeks must be 4 weeks or more")
        days += [7 * int(weeks) + int(rng.integers(0, 7)) for _ in range(int(k))]
    within = sum(int(k) for k in shape["within_weeks"].values()) + int(shape["n_exactly_21_days"])
    if within != targets["n_rr_within_15_working_days"]:
        raise CalibrationError("incident_to_rr shape does not give the within-15-days count")
    return days


def _rr_to_lcspr_weeks(
    targets: Mapping, shape: Mapping, n_derived: int, rng: np.random.Generator
) -> list[int]:
    """Completed weeks, rapid review to LCSPR, less ``n_derived`` values.

    The derived values (fixed rapid review dates) are made later and lie
    above the median. Values within 26 weeks run from the minimum to
    ``within_weeks_max``; no value is 26 weeks, so 182 days is never on the edge.
    """
    t = targets["rr_to_lcspr_weeks"]
    n, median = int(t["n"]), int(t["median"])
    n_within = int(targets["n_lcspr_within_26_weeks"])
    n_mid = 1 if n % 2 else 2
    n_below = (n - n_mid) // 2
    n_above = n - n_mid - n_below
    lo, hi = shape["below_median_weeks"]
    up_lo, up_hi = shape["above_median_weeks"]
    if not (int(shape["within_weeks_max"]) < 26 < lo and hi < median < up_lo and up_hi < t["max"]):
        raise CalibrationError("rr_to_lcspr week ranges overlap the median or the 26-week line")
    weeks = [int(t["min"])]
    weeks += [int(w) for w in rng.integers(t["min"], shape["within_weeks_max"] + 1, n_within - 1)]
    weeks += [int(w) for w in rng.integers(lo, hi + 1, n_below - n_within)]
    weeks += [median] * n_mid
    weeks += [int(t["max"])]
    weeks += [int(w) for w in rng.integers(up_lo, up_hi + 1, n_above - 1 - n_derived)]
    return weeks


# --------------------------------------------------------------------------
# Children and SINs
# --------------------------------------------------------------------------


def _build_children_and_sins(
    plan: list[dict], profile: Mapping, rng: np.random.Generator, calendar: Calendar
) -> tuple[list[dict], list[dict]]:
    """The children of each LCSPR, and the SINs and rapid reviews they link to."""
    design = profile["design"]
    group_of = profile["rules"]["ethnic_group_of_code"]
    minoritised = set(profile["rules"]["minoritised_groups"])
    national_codes = {
        k: v for k, v in design["national"]["ethnicity_weights"].items() if k is not None
    }
    timeline = design["timeline"]
    rr_start = day(timeline["rr_register_start"])
    delay_weights = dict(enumerate(timeline["notification_delay_weights"]))
    sins: list[dict] = []
    rrs: list[dict] = []

    def is_minoritised(code):
        return group_of.get(code) in minoritised

    def add_sin(row, child, incident, notification, incident_type, rr_date=None):
        sin = {
            "key": len(sins),
            "partnership": row["partnership"],
            "incident_date": incident,
            "notification_date": notification,
            "incident_type": incident_type,
            "child_sex": child["sex"],
            "child_age_years": child["age"],
            "child_ethnicity": child["ethnicity"],
        }
        sins.append(sin)
        child["sin"] = sin
        if rr_date is not None:
            rrs.append(
                {"sin_key": sin["key"], "rr_date": rr_date, "lcspr_decision": "commissioned"}
            )

    def own_incident(row, lo, hi):
        """A thematic child's own SIN and rapid review, before the LCSPR."""
        incident = random_day(rng, lo, hi)
        rr_date = calendar.next_busday(incident + int(rng.integers(5, 36)) * DAY)
        delay = min(int(weighted(rng, delay_weights)), int((rr_date - incident) / DAY))
        return incident, incident + delay * DAY, rr_date

    for row in plan:
        others = row["stratum"].get("others", {})
        children = []
        if row["index"] != "none":
            children.append(
                {"index": True, "sex": row["sex"], "age": row["age"], "ethnicity": row["ethnicity"]}
            )
        n_other = row["n_children"] - len(children)
        sexes = draw_sexes(rng, others.get("sex"), n_other)
        age_lo, age_hi = others.get("age", row["stratum"]["age"])
        index_minoritised = is_minoritised(row["ethnicity"])
        for sex in sexes:
            if row["review_type"] == "sibling group":
                age = int(np.clip(row["age"] + rng.integers(-7, 8), 0, 17))
                code = row["ethnicity"]
            else:
                age = int(rng.integers(age_lo, age_hi + 1))
                if "codes" in others:
                    code = str(rng.choice(others["codes"]))
                elif index_minoritised:
                    code = weighted(rng, national_codes)
                else:
                    code = weighted(rng, design["other_child_codes"])
            children.append({"index": False, "sex": sex, "age": age, "ethnicity": code})
        n_minoritised = int(others.get("n_minoritised", 0)) + int(row["other_child_minoritised"])
        if n_minoritised:
            non_index = [c for c in children if not c["index"]]
            for i in rng.choice(len(non_index), size=n_minoritised, replace=False):
                non_index[i]["ethnicity"] = weighted(rng, design["minoritised_other_codes"])
        for child in children:
            child["sin"] = None
        row["children"] = children

        # SINs: the index child's, then the others'.
        if row["index"] == "linked":
            index_child = children[0]
            add_sin(
                row,
                index_child,
                row["incident"],
                row["notification"],
                row["incident_type"],
                row["rr"] if row["has_rr"] else None,
            )
            for child in children[1:]:
                if row["review_type"] == "sibling group":
                    if rng.random() < float(design["sibling_sin_share"]):
                        # A surviving sibling is notified as seriously harmed.
                        add_sin(row, child, row["incident"], row["notification"], "serious harm")
                elif row["review_type"] == "unrelated children same incident":
                    add_sin(row, child, row["incident"], row["notification"], row["incident_type"])
                elif row["review_type"] == "thematic":
                    lo = max(rr_start, row["incident"] - 240 * DAY)
                    hi = min(row["incident"] + 30 * DAY, row["submitted"] - 120 * DAY)
                    incident, notification, rr_date = own_incident(row, lo, hi)
                    add_sin(row, child, incident, notification, row["incident_type"], rr_date)
        elif row["index"] == "none":
            n_sin = int(others.get("with_sin", 0))
            n_rr = int(others.get("with_rr", 0))
            for j, i in enumerate(rng.choice(len(children), size=n_sin, replace=False)):
                lo = jan1(int(profile["cohort_year"]) - 2)
                hi = row["submitted"] - 200 * DAY
                incident, notification, rr_date = own_incident(row, lo, hi)
                add_sin(
                    row,
                    children[i],
                    incident,
                    notification,
                    row["incident_type"],
                    rr_date if j < n_rr else None,
                )
    return sins, rrs


def _blank_index_values(plan: list[dict], profile: Mapping, rng: np.random.Generator) -> None:
    """Leave some index-child values to the SIN, and some SIN values blank."""
    design = profile["design"]
    from_sin = profile["targets"]["n_index_values_from_sin"]
    not_known = set(design["not_known_codes"])
    linked = [row["children"][0] for row in plan if row["index"] == "linked"]
    for child in linked:
        child["schedule"] = {k: child[k] for k in ("sex", "age", "ethnicity")}
    for field in ("sex", "age"):
        for i in rng.choice(len(linked), size=int(from_sin[field]), replace=False):
            linked[i]["schedule"][field] = None
    known = [c for c in linked if c["ethnicity"] not in not_known]
    picks = rng.choice(
        len(known),
        size=int(from_sin["ethnicity"]) + int(design["index_sin_blank_ethnicity"]),
        replace=False,
    )
    n_from_sin = int(from_sin["ethnicity"])
    for i in picks[:n_from_sin]:
        known[i]["schedule"]["ethnicity"] = None
    for i in picks[n_from_sin:]:
        known[i]["sin"]["child_ethnicity"] = None


def _assign_review_codes(plan: list[dict], profile: Mapping, rng: np.random.Generator) -> None:
    """Publication, methodology, practice themes and the race sub-sample."""
    targets = profile["targets"]
    rules = profile["rules"]
    design = profile["design"]
    n = len(plan)
    for field, counts in (
        ("published", targets["publication_counts"]),
        ("methodology", targets["methodology_counts"]),
    ):
        for row, value in zip(plan, exact(rng, counts, n), strict=True):
            row[field] = value
    for theme, k in design["theme_yes_counts"].items():
        values = exact(rng, {"yes": k, "no": n - int(k)}, n)
        for row, value in zip(plan, values, strict=True):
            row[theme] = value

    group_of = rules["ethnic_group_of_code"]
    minoritised = set(rules["minoritised_groups"])
    label = rules["minoritised_label"]
    for row in plan:
        row["any_minoritised"] = any(
            group_of.get(c["ethnicity"]) in minoritised for c in row["children"]
        )
        row["in_race_subsample"] = row["any_minoritised"]
    for group, k in targets["race_subsample"]["group_counts"].items():
        if group == label:
            continue
        pool = [
            row
            for row in plan
            if row["index"] != "none"
            and not row["any_minoritised"]
            and not row["other_child_minoritised"]
            and group_of.get(row["ethnicity"], rules["ethnic_group_missing"]) == group
        ]
        for i in rng.choice(len(pool), size=int(k), replace=False):
            pool[i]["in_race_subsample"] = True


# --------------------------------------------------------------------------
# National registers
# --------------------------------------------------------------------------


def _add_national(
    sins: list[dict],
    rrs: list[dict],
    profile: Mapping,
    rng: np.random.Generator,
    calendar: Calendar,
    partnerships: list[str],
) -> None:
    """Rapid reviews (with their SINs) and SINs of children outside the cohort.

    Fills each year's rapid reviews up to the received / commissioned totals,
    the cohort's own (all commissioned) included.
    """
    national = profile["design"]["national"]
    rr_start = day(profile["design"]["timeline"]["rr_register_start"])
    delay_weights = np.array(profile["design"]["timeline"]["notification_delay_weights"], float)
    cohort_years = Counter(int(str(r["rr_date"])[:4]) for r in rrs)

    rr_dates, decisions = [], []
    for year, spec in national["rapid_reviews_by_year"].items():
        year = int(year)
        n = int(spec["received"]) - cohort_years[year]
        n_commissioned = int(spec["commissioned"]) - cohort_years[year]
        n_pending = int(spec.get("pending", 0))
        n_not = n - n_commissioned - n_pending
        if min(n, n_commissioned, n_not) < 0:
            raise CalibrationError(
                f"{year}: the cohort has more rapid reviews than the year's total"
            )
        days = calendar.busdays(max(jan1(year), rr_start), dec31(year))
        late = calendar.busdays(max(jan1(year), day(national["pending_from"])), dec31(year))
        rr_dates.append(rng.choice(days, size=n_commissioned + n_not))
        rr_dates.append(rng.choice(late, size=n_pending))
        decisions += ["commissioned"] * n_commissioned + ["not commissioned"] * n_not
        decisions += ["pending"] * n_pending
    rr_dates = np.concatenate(rr_dates).astype("datetime64[D]")
    n_rr = len(rr_dates)

    # Incident -> rapid review delay from a mixture of day ranges.
    parts = national["incident_to_rr_days"]
    shares = np.array([p[0] for p in parts], float)
    part = rng.choice(len(parts), size=n_rr, p=shares / shares.sum())
    lows = np.array([p[1] for p in parts])[part]
    highs = np.array([p[2] for p in parts])[part]
    delay = rng.integers(lows, highs + 1)
    incident = rr_dates - delay.astype("timedelta64[D]")
    notify = np.minimum(
        rng.choice(len(delay_weights), size=n_rr, p=delay_weights / delay_weights.sum()), delay
    )
    notification = incident + notify.astype("timedelta64[D]")
    types = weighted(rng, national["incident_type_weights"]["with_rr"], n_rr)

    # SINs that did not lead to a rapid review.
    n_free = int(national["sins_without_rr"])
    lo, hi = (day(d) for d in national["sins_without_rr_window"])
    free_notification = lo + rng.integers(0, int((hi - lo) / DAY) + 1, n_free).astype(
        "timedelta64[D]"
    )
    free_incident = free_notification - rng.choice(
        len(delay_weights), size=n_free, p=delay_weights / delay_weights.sum()
    ).astype("timedelta64[D]")
    free_incident = free_incident.astype(object)
    for i in rng.choice(n_free, size=int(national["sins_without_incident_date"]), replace=False):
        free_incident[i] = None
    free_types = weighted(rng, national["incident_type_weights"]["without_rr"], n_free)

    n = n_rr + n_free
    sexes = weighted(rng, national["sex_weights"], n)
    ages = rng.choice(len(national["age_weights"]), size=n, p=_p(national["age_weights"]))
    codes = weighted(rng, national["ethnicity_weights"], n)
    where = rng.integers(len(partnerships), size=n)
    all_incident = list(incident) + list(free_incident)
    all_notification = list(notification) + list(free_notification)
    all_types = types + free_types
    for i in range(n):
        key = len(sins)
        sins.append(
            {
                "key": key,
                "partnership": partnerships[where[i]],
                "incident_date": all_incident[i],
                "notification_date": all_notification[i],
                "incident_type": all_types[i],
                "child_sex": sexes[i],
                "child_age_years": int(ages[i]) if ages[i] < 18 else None,
                "child_ethnicity": codes[i],
            }
        )
        if i < n_rr:
            rrs.append({"sin_key": key, "rr_date": rr_dates[i], "lcspr_decision": decisions[i]})


def _p(weights: Iterable[float]) -> np.ndarray:
    w = np.array(list(weights), float)
    return w / w.sum()


# --------------------------------------------------------------------------
# Frames
# --------------------------------------------------------------------------


def _assemble(
    plan: list[dict], sins: list[dict], rrs: list[dict], profile: Mapping, rng: np.random.Generator
) -> dict[str, pd.DataFrame]:
    """Number everything and build the four frames of the data contract."""
    year = int(profile["cohort_year"])

    # SIN ids in order of notification (then incident), RR ids in order of date.
    sin_frame = pd.DataFrame(sins)
    sin_frame["incident_date"] = _dates(sin_frame["incident_date"])
    sin_frame["notification_date"] = _dates(sin_frame["notification_date"])
    sin_frame["tiebreak"] = rng.permutation(len(sin_frame))
    sin_frame = sin_frame.sort_values(
        ["notification_date", "incident_date", "tiebreak"], na_position="first"
    ).reset_index(drop=True)
    sin_frame["sin_id"] = [f"SIN-{i:06d}" for i in range(1, len(sin_frame) + 1)]
    sin_id_of = dict(zip(sin_frame["key"], sin_frame["sin_id"], strict=True))

    rr_frame = pd.DataFrame(rrs)
    rr_frame["rr_date"] = _dates(rr_frame["rr_date"])
    rr_frame["sin_id"] = rr_frame["sin_key"].map(sin_id_of)
    rr_frame["tiebreak"] = rng.permutation(len(rr_frame))
    rr_frame = rr_frame.sort_values(["rr_date", "tiebreak"]).reset_index(drop=True)
    rr_frame["rr_id"] = [f"RR-{i:06d}" for i in range(1, len(rr_frame) + 1)]

    # LCSPR ids: the named special cases keep theirs, the rest follow date order.
    taken = {int(LCSPR_ID.match(row["lcspr_id"]).group(2)) for row in plan if row["lcspr_id"]}
    numbers = [i for i in range(1, len(plan) + 1) if i not in taken]
    tiebreak = rng.permutation(len(plan))
    order = sorted(
        (i for i, row in enumerate(plan) if not row["lcspr_id"]),
        key=lambda i: (plan[i]["submitted"], tiebreak[i]),
    )
    for number, i in zip(numbers, order, strict=True):
        plan[i]["lcspr_id"] = f"LCSPR-{year}-{number:03d}"
    plan = sorted(plan, key=lambda row: row["lcspr_id"])

    yes_no = {True: "yes", False: "no"}
    reviews = pd.DataFrame(
        {
            "lcspr_id": [row["lcspr_id"] for row in plan],
            "partnership": [row["partnership"] for row in plan],
            "date_submitted": _dates([row["submitted"] for row in plan]),
            "review_type": [row["review_type"] for row in plan],
            "n_children": pd.array([row["n_children"] for row in plan], dtype="Int64"),
            "incident_type": [row["incident_type"] for row in plan],
            "harm_category": [row["harm_category"] for row in plan],
            "harm_subcategory": [row["harm_subcategory"] for row in plan],
            "published": [row["published"] for row in plan],
            "methodology": [row["methodology"] for row in plan],
            "in_subsample": [yes_no[row["in_subsample"]] for row in plan],
            "in_race_subsample": [yes_no[row["in_race_subsample"]] for row in plan],
            **{theme: [row[theme] for row in plan] for theme in THEME_COLUMNS},
        }
    )[REVIEW_COLUMNS]

    child_rows = []
    for row in plan:
        for k, child in enumerate(row["children"], start=1):
            values = child.get("schedule", child)
            child_rows.append(
                {
                    "lcspr_id": row["lcspr_id"],
                    "child_ref": f"C{k}",
                    "is_index_child": yes_no[child["index"]],
                    "sin_id": sin_id_of[child["sin"]["key"]] if child["sin"] else None,
                    "sex": values["sex"],
                    "age_years": values["age"],
                    "ethnicity": values["ethnicity"],
                }
            )
    children = pd.DataFrame(child_rows)
    children["age_years"] = pd.array(children["age_years"].tolist(), dtype="Int64")
    children = children[CHILD_COLUMNS]

    sin_frame["child_age_years"] = pd.array(sin_frame["child_age_years"].tolist(), dtype="Int64")
    return {
        "sins": sin_frame[SIN_COLUMNS],
        "rapid_reviews": rr_frame[RR_COLUMNS[:4]],
        "reviews": reviews,
        "children": children,
    }


# --------------------------------------------------------------------------
# The review pipeline: LCSPRs received and their publication
# --------------------------------------------------------------------------


def _add_pipeline(
    frames: dict[str, pd.DataFrame],
    profile: Mapping,
    rng: np.random.Generator,
    calendar: Calendar,
) -> None:
    """Fill ``lcspr_received_date`` and ``lcspr_publication`` of the rapid review register.

    Each cohort LCSPR is received on its ``date_submitted``, on its index
    child's rapid review, else another child's, else a commissioned rapid
    review of no cohort child (a stand-in). Each earlier year's LCSPRs go to
    commissioned rapid reviews of no cohort child, at least
    ``min_weeks_to_received`` after the rapid review. Publication statuses
    are dealt at random over every LCSPR received.
    """
    spec = profile["design"]["pipeline"]
    min_gap = 7 * int(spec["min_weeks_to_received"]) * DAY
    rrs = frames["rapid_reviews"]
    children = frames["children"]
    reviews = frames["reviews"].sort_values("lcspr_id")
    commissioned = rrs["lcspr_decision"] == "commissioned"
    rr_of_sin = dict(zip(rrs["sin_id"], rrs.index, strict=True))
    linked = set(children["sin_id"].dropna().map(rr_of_sin).dropna().astype(int))
    received: dict[int, np.datetime64] = {}

    def free_pool(latest) -> list[int]:
        """Commissioned rapid reviews of no cohort child, not yet taken, on or before ``latest``."""
        ok = commissioned & (rrs["rr_date"] <= pd.Timestamp(latest))
        return [i for i in rrs.index[ok] if i not in linked and i not in received]

    for review in reviews.itertuples():
        kids = children.loc[children["lcspr_id"] == review.lcspr_id]
        kids = kids.sort_values(["is_index_child", "child_ref"], ascending=[False, True])
        own = [rr_of_sin[s] for s in kids["sin_id"].dropna() if s in rr_of_sin]
        own = [i for i in own if commissioned[i] and i not in received]
        submitted = np.datetime64(review.date_submitted.date())
        if own:
            received[own[0]] = submitted
            continue
        pool = free_pool(submitted - min_gap)
        if not pool:
            raise CalibrationError(f"{review.lcspr_id}: no rapid review can stand in for it")
        received[pool[rng.integers(len(pool))]] = submitted
    for year, k in sorted(spec["earlier_received"].items()):
        year = int(year)
        pool = free_pool(dec31(year) - min_gap)
        if len(pool) < int(k):
            raise CalibrationError(f"{year}: {k} LCSPRs received but {len(pool)} rapid reviews")
        for i in sorted(rng.choice(pool, size=int(k), replace=False)):
            earliest = max(jan1(year), np.datetime64(rrs.at[i, "rr_date"].date()) + min_gap)
            received[int(i)] = calendar.random_busday(rng, earliest, dec31(year))
    counts = profile["targets"]["pipeline"]["publication"]
    order = sorted(received)
    statuses = exact(rng, counts, len(order))
    dates = pd.Series(pd.NaT, index=rrs.index, dtype="datetime64[s]")
    publication = pd.Series(None, index=rrs.index, dtype=object)
    for i, status in zip(order, statuses, strict=True):
        dates[i] = pd.Timestamp(received[i])
        publication[i] = status
    rrs["lcspr_received_date"] = dates
    rrs["lcspr_publication"] = publication
    frames["rapid_reviews"] = rrs[RR_COLUMNS]


def _dates(values) -> pd.Series:
    """Dates (numpy days, or None) as a datetime64 column."""
    cleaned = [pd.NaT if v is None else pd.Timestamp(v) for v in values]
    return pd.Series(pd.to_datetime(cleaned), dtype="datetime64[s]").reset_index(drop=True)
