"""Scaled synthetic inputs for benchmarks: the calibrated cohort replicated to any size."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from lcspr_stats import synth


def _units(base: dict[str, pd.DataFrame]) -> dict[str, pd.Series]:
    """Give every row of every frame the unit it belongs to.

    A unit is what must be copied together for the links to hold: an LCSPR
    with its children, their SINs and those SINs' rapid reviews ("L<n>"), or a
    SIN of the national register alone with its rapid reviews ("S<n>").
    """
    reviews, children = base["reviews"], base["children"]
    sins, rrs = base["sins"], base["rapid_reviews"]
    review_unit = pd.Series([f"L{i}" for i in range(len(reviews))], index=reviews.index)
    unit_of_lcspr = dict(zip(reviews["lcspr_id"], review_unit))
    child_unit = children["lcspr_id"].map(unit_of_lcspr)
    unit_of_sin = dict(zip(children["sin_id"].dropna(), child_unit[children["sin_id"].notna()]))
    sin_unit = sins["sin_id"].map(unit_of_sin)
    sin_unit = sin_unit.fillna(pd.Series([f"S{i}" for i in range(len(sins))], index=sins.index))
    rr_unit = rrs["sin_id"].map(dict(zip(sins["sin_id"], sin_unit)))
    return {
        "reviews": review_unit,
        "children": child_unit,
        "sins": sin_unit,
        "rapid_reviews": rr_unit,
    }


def scaled_cohort(n_sins: int, seed: int = 2021) -> dict[str, pd.DataFrame]:
    """The calibrated 2021 cohort replicated so the SIN register has ``n_sins`` rows.

    Whole copies of the cohort (LCSPRs with their children, SINs and rapid
    reviews, and the national register around them) are stacked with new ids;
    a last partial copy takes a random share of the LCSPRs and fills the rest
    of the register with national SINs, so every register keeps the bundled
    cohort's proportions (about 0.9 rapid reviews and 0.05 LCSPRs per SIN).

    Parameters
    ----------
    n_sins : int
        Rows wanted in the SIN register (at least 200).
    seed : int
        Seed of the generator and of the partial copy's draw.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``sins``, ``rapid_reviews``, ``reviews``, ``children`` as from
        :func:`lcspr_stats.synth.generate`.
    """
    base = synth.generate(synth.load_profile("2021"), seed)
    units = _units(base)
    sin_units = units["sins"]
    rows_per_unit = sin_units.value_counts()
    lcspr_units = [u for u in rows_per_unit.index if u.startswith("L")]
    national_units = [u for u in rows_per_unit.index if u.startswith("S")]
    rng = np.random.default_rng(seed)
    scale = n_sins / len(base["sins"])
    copies = []
    remaining = n_sins
    for copy in range(math.ceil(scale)):
        if remaining >= len(base["sins"]):
            chosen = set(rows_per_unit.index)
        else:
            share = remaining / len(base["sins"])
            take = rng.permutation(lcspr_units)[: round(share * len(lcspr_units))]
            chosen = set(take)
            used = int(rows_per_unit[list(take)].sum()) if len(take) else 0
            national = rng.permutation(national_units)
            fill = np.cumsum(rows_per_unit[national].to_numpy()) <= remaining - used
            chosen |= set(national[fill])
        copies.append((copy, chosen))
        remaining -= int(rows_per_unit[list(chosen)].sum())
        if remaining <= 0:
            break
    out = {}
    id_columns = {
        "sins": ["sin_id"],
        "rapid_reviews": ["rr_id", "sin_id"],
        "reviews": ["lcspr_id"],
        "children": ["lcspr_id", "sin_id"],
    }
    for name, frame in base.items():
        parts = []
        for copy, chosen in copies:
            part = frame.loc[units[name].isin(chosen)].copy()
            for column in id_columns[name]:
                part[column] = part[column].where(
                    part[column].isna(), part[column] + f"-{copy:04d}"
                )
            parts.append(part)
        out[name] = pd.concat(parts, ignore_index=True)
    return out


def write_scaled(
    frames: dict[str, pd.DataFrame], directory: str | Path, fmt: str
) -> dict[str, str]:
    """Write scaled frames as the contract's files; return the path per config source.

    ``fmt`` is ``xlsx`` (written with xlsxwriter, which streams large sheets)
    or ``csv`` (one file per sheet).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    sheets = {
        "sin_register": ("sin_register", "sins", "sins"),
        "rapid_review_register": ("rapid_review_register", "rapid_reviews", "rapid_reviews"),
        "reviews": ("lcspr_coding_schedule", "reviews", "reviews"),
        "children": ("lcspr_coding_schedule", "children", "children"),
    }
    paths = {}
    if fmt == "csv":
        for source, (_, sheet, key) in sheets.items():
            path = directory / f"{sheet}.csv"
            frames[key].to_csv(path, index=False, date_format="%Y-%m-%d")
            paths[source] = str(path)
        return paths
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")
    by_file: dict[str, list[tuple[str, str]]] = {}
    for source, (file_stem, sheet, key) in sheets.items():
        by_file.setdefault(file_stem, []).append((sheet, key))
        paths[source] = str(directory / f"{file_stem}.xlsx")
    for file_stem, members in by_file.items():
        _write_xlsx_streaming(
            directory / f"{file_stem}.xlsx", [(sheet, frames[key]) for sheet, key in members]
        )
    return paths


def _write_xlsx_streaming(path: Path, sheets: list[tuple[str, pd.DataFrame]]) -> None:
    """Write large sheets row by row (xlsxwriter's constant-memory mode needs row order)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, frame in sheets:
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, list(frame.columns))
        is_date = [pd.api.types.is_datetime64_any_dtype(frame[c]) for c in frame.columns]
        columns = [
            frame[c].dt.to_pydatetime()
            if date
            else frame[c].astype(object).where(frame[c].notna(), None)
            for c, date in zip(frame.columns, is_date)
        ]
        for row, values in enumerate(zip(*columns), start=1):
            for col, value in enumerate(values):
                if value is None or value is pd.NaT or (is_date[col] and pd.isna(value)):
                    continue
                if is_date[col]:
                    sheet.write_datetime(row, col, value, date_format)
                else:
                    sheet.write(row, col, value)
    book.close()
