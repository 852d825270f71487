"""Headings as the sources write them: the config's column mapping, close matches, suggestions.

A register exported from the Panel's systems says "Date of incident" where the
contract says ``incident_date``. Headings are first normalised
(:func:`lcspr_stats.io.normalise_header`: case, surrounding and repeated
spaces, non-breaking spaces), then renamed through the config's
``inputs.<source>.columns`` mapping (their heading: contract column). What is
still missing or unknown is compared with the contract's columns, so a
message can say "did you mean ...?" and print the ``columns:`` lines to paste.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from .errors import InputError
from .io import SourceTable, normalise_header

# A heading at least this close to a contract column is suggested for it.
CLOSE_ENOUGH = 0.75
# Words that say nothing about which column a heading is ("Date of incident").
FILLER_WORDS = frozenset({"of", "the", "a", "an", "and", "in", "to", "for"})
# Words that mean the same in a heading: an id is a reference or a number; rr is a rapid review.
SAME_WORDS = {
    "ref": ["id"],
    "reference": ["id"],
    "number": ["id"],
    "no": ["id"],
    "identifier": ["id"],
    "rr": ["rapid", "review"],
}


def heading_key(heading: object) -> str:
    """The matching key of a heading (as :func:`lcspr_stats.io.normalise_header`).

    >>> heading_key("  Date\\u00a0of   incident ")
    'date_of_incident'
    """
    return normalise_header(heading)


def _words(key: str) -> list[str]:
    """The meaningful words of a normalised heading ("child's_age_(years)" -> child, age, years)."""
    words = re.split(r"[^a-z0-9]+", key.replace("'s_", "_").replace("'s", ""))
    words = [same for w in words for same in SAME_WORDS.get(w, [w])]
    return [w for w in words if w and w not in FILLER_WORDS]


def similarity(heading: str, column: str) -> float:
    """How close a normalised heading is to a contract column, from 0 to 1.

    The best of three views: the two texts (difflib), their words in sorted
    order (so "date_of_incident" is "incident_date"), and whether every word of
    one is, nearly, a word of the other (so "sex" is close to "child_sex").

    >>> similarity("date_of_incident", "incident_date")
    1.0
    >>> similarity("sex", "child_sex") >= CLOSE_ENOUGH
    True
    """
    if heading == column:
        return 1.0
    ratio = difflib.SequenceMatcher(None, heading, column).ratio()
    a, b = _words(heading), _words(column)
    if not a or not b:
        return ratio
    in_order = difflib.SequenceMatcher(None, " ".join(sorted(a)), " ".join(sorted(b))).ratio()
    ratio = max(ratio, in_order)

    def near(word: str, others: list[str]) -> bool:
        # Nearly the same word, or the same stem ("notified", "notification").
        return any(
            difflib.SequenceMatcher(None, word, o).ratio() >= 0.85
            or (min(len(word), len(o)) >= 5 and len(os.path.commonprefix([word, o])) >= 5)
            for o in others
        )

    if all(near(w, b) for w in a) or all(near(w, a) for w in b):
        ratio = max(ratio, 0.8)
    return ratio


def closest(key: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``key`` if it is close enough (:data:`CLOSE_ENOUGH`), else None."""
    scored = [(similarity(key, c), c) for c in candidates]
    scored = [(s, c) for s, c in scored if s >= CLOSE_ENOUGH]
    if not scored:
        return None
    best = max(s for s, _ in scored)
    # Ties go to the first candidate listed (the contract's order).
    return next(c for s, c in scored if s == best)


def check_mapping(
    source: str, mapping: Mapping[str, str], contract: list[str], *, file: str = "config"
) -> None:
    """Stop on a mapping that names an unknown contract column or repeats a heading.

    Parameters
    ----------
    source : str
        The source the mapping is for (``inputs.<source>.columns``).
    mapping : Mapping
        Their heading -> contract column.
    contract : list of str
        The source's contract columns.
    file : str
        The config file, for the message.

    Raises
    ------
    InputError
        Naming the key path and what the contract's columns are.
    """
    seen: dict[str, str] = {}
    for heading, column in mapping.items():
        key = f"inputs.{source}.columns.{heading}"
        if column not in contract:
            near = closest(heading_key(column), contract)
            hint = f"; did you mean '{near}'?" if near else ""
            raise InputError(
                f"{key}: '{column}' is not a column of the {source} contract{hint} "
                f"(its columns: {', '.join(contract)})",
                file=file,
            )
        normal = heading_key(heading)
        if normal in seen:
            raise InputError(
                f"{key}: the headings '{seen[normal]}' and '{heading}' are the same once case "
                "and spaces are ignored; keep one",
                file=file,
            )
        seen[normal] = heading


def apply_mapping(table: SourceTable, mapping: Mapping[str, str]) -> SourceTable:
    """Rename a sheet's columns through the config's mapping (their heading: contract column).

    Headings match the mapping's keys after normalising both
    (:func:`heading_key`). A mapped column keeps its heading as written for
    the messages and the data-quality report.

    Raises
    ------
    InputError
        When a mapped heading would meet a column already of that name, naming both.
    """
    if not mapping:
        return table
    wanted = {heading_key(h): c for h, c in mapping.items()}
    renames = {k: wanted[k] for k in table.frame.columns if k in wanted and wanted[k] != k}
    if not renames:
        return table
    names = [renames.get(c, c) for c in table.frame.columns]
    written = table.original_columns
    for column in set(renames.values()):
        sources = [c for c, n in zip(table.frame.columns, names) if n == column]
        if len(sources) > 1:
            shown = " and ".join(f"'{written.get(c, c)}'" for c in sources)
            raise InputError(
                f"the columns {shown} would both be read as '{column}' (through the config's "
                "columns mapping); keep one, or change the mapping",
                file=table.file,
                sheet=table.sheet,
                column=column,
            )
    frame = table.frame.copy()
    frame.columns = names
    original = {renames.get(k, k): v for k, v in written.items()}
    return replace(table, frame=frame, original_columns=original)


def mapping_lines(pairs: Mapping[str, str]) -> str:
    """The config lines that map headings to contract columns, to paste under ``inputs.<source>``.

    Indented as they stand in the config, below the source's ``path`` and ``sheet``.

    >>> print(mapping_lines({"Date of incident": "incident_date"}))
        columns:
          "Date of incident": incident_date
    """
    lines = ["    columns:"]
    # JSON quoting is valid YAML and survives headings with ':' or quotes in them.
    lines += [f"      {json.dumps(h, ensure_ascii=False)}: {c}" for h, c in pairs.items()]
    return "\n".join(lines)


def missing_columns_message(
    table: SourceTable, source: str, missing: list[str], expected: list[str]
) -> str:
    """The message for required columns not found: what was found, and the closest heading.

    Parameters
    ----------
    table : SourceTable
        The sheet as read (after the mapping).
    source : str
        The source (for the ``columns:`` lines).
    missing : list of str
        The required contract columns not found.
    expected : list of str
        Every required column of the source.

    Returns
    -------
    str
        One paragraph, and the ``columns:`` lines to paste where a heading is close.
    """
    written = table.original_columns
    contract = set(expected)
    spare = [c for c in table.frame.columns if c not in contract]
    found = ", ".join(f"'{written.get(c, c)}'" for c in table.frame.columns) or "none"
    guesses: dict[str, str] = {}
    hints = []
    for column in missing:
        near = closest(column, [c for c in spare if written.get(c, c) not in guesses])
        if near is not None:
            guesses[written.get(near, near)] = column
            hints.append(f"for {column}, did you mean '{written.get(near, near)}'?")
    plural = "s" if len(missing) > 1 else ""
    text = (
        f"required column{plural} missing; expected the columns: {', '.join(expected)} "
        f"(names match ignoring case and spaces); the headings found are: {found}"
    )
    if hints:
        text += "; " + "; ".join(hints)
        text += (
            f" If so, add to inputs.{source} in the config (beside its path and sheet):\n"
            + mapping_lines(guesses)
        )
    return text


def close_to_optional(key: str, optional: list[str], present: Iterable[str]) -> str | None:
    """The optional contract column an unknown heading seems to be, if one is close and absent."""
    taken = set(present)
    return closest(key, [c for c in optional if c not in taken])


#: The data-quality rule of a heading that matches no contract column.
UNKNOWN_COLUMN = "unknown column"
#: The data-quality rule of an optional column with no value in any row.
EMPTY_OPTIONAL = "optional column empty"
#: Rules that warn about a whole column: never a per-value problem, so strict mode lets them be.
COLUMN_WARNINGS = (UNKNOWN_COLUMN, EMPTY_OPTIONAL)


def column_warning_rows(
    table: SourceTable,
    source: str,
    optional: list[str],
    extras: list[str],
    blank: Mapping[str, bool],
) -> list[dict]:
    """Data-quality rows about whole columns: unknown headings, and optional columns left empty.

    An unknown heading close to an optional contract column that the sheet
    lacks names both, and how to map it. An optional column present but
    empty in every row is reported too: its statistics would all be "not known".

    Parameters
    ----------
    table : SourceTable
        The sheet (after the mapping).
    source : str
        Its source name (for the mapping hint).
    optional : list of str
        The source's optional contract columns.
    extras : list of str
        The unknown headings (normalised).
    blank : Mapping
        Optional column -> True when every row is blank.

    Returns
    -------
    list of dict
        Rows with the data-quality report's columns (``row`` missing).
    """
    written = table.original_columns
    present = set(table.frame.columns)
    base = {"file": table.file, "sheet": table.sheet, "row": None, "value": ""}
    rows = []
    for extra in extras:
        near = close_to_optional(extra, optional, present)
        action = "column kept aside, not used"
        if near is not None:
            action += (
                f"; it looks like the optional column '{near}': to read it, add "
                f"{json.dumps(written.get(extra, extra), ensure_ascii=False)}: {near} "
                f"under inputs.{source}.columns"
            )
        rows.append(
            {**base, "column": written.get(extra, extra), "rule": UNKNOWN_COLUMN, "action": action}
        )
    for column in optional:
        if column in present and blank.get(column, False) and len(table.frame):
            rows.append(
                {
                    **base,
                    "column": written.get(column, column),
                    "rule": EMPTY_OPTIONAL,
                    "action": "no value in any row; every row counts as not known for it",
                }
            )
    return rows


def suggested_mappings(quality) -> dict[str, dict[str, str]]:
    """The ``columns:`` pairs the data-quality rows of unknown columns suggest, per source.

    Parameters
    ----------
    quality : pandas.DataFrame
        Data-quality rows (:func:`column_warning_rows` among them).

    Returns
    -------
    dict
        Source -> {heading as written: contract column}.
    """
    found: dict[str, dict[str, str]] = {}
    pattern = re.compile(r'add (".*"): (\w+) under inputs\.(\w+)\.columns$')
    rows = quality.loc[quality["rule"] == UNKNOWN_COLUMN, "action"]
    for action in rows.astype(str):
        match = pattern.search(action)
        if match:
            heading, column, source = match.groups()
            found.setdefault(source, {})[json.loads(heading)] = column
    return found
