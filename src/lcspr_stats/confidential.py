"""Keeping ids, names, dates and unknown values out of results/ and the terminal: masking."""

from __future__ import annotations

import difflib
import re
from collections.abc import Set
from typing import TYPE_CHECKING

import pandas as pd

from . import clean
from .io import normalise_header
from .validate import source_specs

if TYPE_CHECKING:
    from .settings import Codebook

WITHHELD = "[withheld]"
# Column kinds whose bad values are short codes or numbers, safe to show.
SHOWN_KINDS = frozenset({"code", "ethnicity", "yesno", "integer"})
# Columns whose values identify a case or a partnership.
ID_COLUMNS = ("sin_id", "rr_id", "lcspr_id", "child_ref", "partnership")
# A shown value longer than this is more likely free text than a mistyped code.
MAX_SHOWN_LENGTH = 40
_MONTH_AND_NUMBER = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b.*\d|\d.*\b"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(r"\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,4}")


def shown_columns(codebook: Codebook) -> frozenset[str]:
    """Normalised names of the columns whose bad values may be shown in results/.

    A column qualifies when it is a code, ethnicity, yes/no or whole-number
    column in every source that has it; ids, free text (partnership) and
    dates never do.
    """
    kinds: dict[str, set[str]] = {}
    for specs in source_specs(codebook).values():
        for spec in specs:
            kinds.setdefault(spec.name, set()).add(spec.kind)
    return frozenset(name for name, found in kinds.items() if found <= SHOWN_KINDS)


class Identifiers(Set):
    """Lower-case ids and partnership names of the inputs, held as one Arrow array.

    A national register brings a million ids, and a Python set of them takes
    a second to build, while a run asks about a few hundred strings (the bad
    values of its data-quality report). :meth:`among` answers for all of those
    in one pass in Arrow; asking ``text in identifiers`` directly builds the
    set once, on the first question.
    """

    def __init__(self, values) -> None:
        self._values = values  # pyarrow string array: distinct, trimmed, lower case, no ""
        self._set: frozenset[str] | None = None

    def _all(self) -> frozenset[str]:
        if self._set is None:
            self._set = frozenset(self._values.to_pylist())
        return self._set

    def __contains__(self, text: object) -> bool:
        return text in self._all()

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._values)

    def among(self, texts) -> frozenset[str]:
        """The identifiers that are among ``texts`` (a small set, for :class:`ValueMask`)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        wanted = list(dict.fromkeys(t for t in texts if isinstance(t, str)))
        if not wanted or not len(self._values):
            return frozenset()
        hit = pc.is_in(pa.array(wanted, type=pa.string()), value_set=self._values)
        return frozenset(t for t, h in zip(wanted, hit.to_pylist()) if h)


def identifying_values(frames: dict[str, pd.DataFrame]) -> Identifiers:
    """Every id and partnership name in the clean input frames, lower case."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = []
    for frame in frames.values():
        for column in ID_COLUMNS:
            if column in frame.columns:
                # Distinct values first: a register holds a million ids.
                values = pd.Series(frame[column].dropna().unique()).astype("string")
                lowered = pa.array(values.str.strip().str.lower().array)
                parts.extend(lowered.chunks if isinstance(lowered, pa.ChunkedArray) else [lowered])
    found = pc.unique(pa.concat_arrays([p.cast(pa.string()) for p in parts])) if parts else None
    if found is None:
        return Identifiers(pa.array([], type=pa.string()))
    found = found.filter(pc.and_kleene(pc.is_valid(found), pc.not_equal(found, "")))
    return Identifiers(found)


def looks_like_a_date(value: str) -> bool:
    """True for text a reader could take as a date (any form the reader accepts, and more)."""
    if _DATE_LIKE.search(value) or _MONTH_AND_NUMBER.search(value):
        return True
    _dates, bad = clean.parse_dates(pd.Series([value], dtype=object))
    return not bool(bad.iloc[0])


def describe_value(value: str, nearest: str | None = None) -> str:
    """A safe description of a value that is not shown: its length and kinds of character.

    >>> describe_value("Jayden Smith")
    '[withheld: 12 characters, letters and spaces]'
    >>> describe_value("mael", "male")
    "[withheld: 4 characters, letters; nearest code 'male']"
    """
    kinds = []
    if any(c.isalpha() for c in value):
        kinds.append("letters")
    if any(c.isdigit() for c in value):
        kinds.append("digits")
    if any(c.isspace() for c in value):
        kinds.append("spaces")
    if any(not (c.isalnum() or c.isspace()) for c in value):
        kinds.append("other characters")
    described = ", ".join(kinds[:-1]) + (" and " if len(kinds) > 1 else "") + kinds[-1]
    length = len(value)
    text = f"{WITHHELD[:-1]}: {length} character{'s' if length != 1 else ''}, {described}"
    return f"{text}; nearest code '{nearest}']" if nearest else f"{text}]"


class ValueMask:
    """Decides, for one run's codebook and identifiers, how a bad value may be shown.

    A value is shown as it was only where it is a valid value of its column
    (a known code or ethnicity, a yes or no, a short number) in a code,
    ethnicity, yes/no or whole-number column, is not date-like and holds no
    id or partnership name from the inputs; an unknown value never is.
    Anything else is described (:func:`describe_value`), with the column's
    nearest valid code where it is a near miss (a mistyped code).

    Parameters
    ----------
    codebook : Codebook
        The run's codebook (each column's kind and codes).
    identifiers : set of str
        Lower-case ids and names (:func:`identifying_values`).
    """

    def __init__(self, codebook: Codebook, identifiers: frozenset[str] | set[str]) -> None:
        self.codebook = codebook
        self.identifiers = identifiers
        self.shown = shown_columns(codebook)
        self.kinds: dict[str, str] = {}
        self.codes: dict[str, set[str]] = {}
        for specs in source_specs(codebook).values():
            for spec in specs:
                self.kinds[spec.name] = spec.kind
                self.codes.setdefault(spec.name, set()).update(spec.codes)

    def valid(self, value: str, key: str) -> bool:
        """True if ``value`` is a valid value of column ``key`` (its kind's form)."""
        kind = self.kinds.get(key)
        cell = pd.Series([value], dtype=object)
        if kind == "code":
            return clean.normalise_code(cell, self.codebook.synonyms).iloc[0] in self.codes[key]
        if kind == "ethnicity":
            code = clean.normalise_ethnicity(cell, self.codebook.ethnicity).iloc[0]
            return code in self.codes[key]
        if kind == "yesno":
            if value in ("True", "False"):
                return True
            yes_no = self.codebook.yes_values + self.codebook.no_values
            return value.strip().lower() in {v.lower() for v in yes_no}
        if kind == "integer":
            return bool(_NUMBER.fullmatch(value.strip()))
        return False

    def nearest(self, value: str, key: str) -> str | None:
        """The column's valid code closest to ``value``, if it is a near miss."""
        codes = sorted(self.codes.get(key, ()))
        if not codes or self.kinds.get(key) not in ("code", "ethnicity"):
            return None
        lowered = " ".join(value.lower().split())
        found = difflib.get_close_matches(lowered, [c.lower() for c in codes], n=1, cutoff=0.75)
        return next((c for c in codes if found and c.lower() == found[0]), None)

    def __call__(self, value: str, column: str) -> str:
        """``value`` as it may be shown: itself, or its description."""
        if value == "":
            return ""
        key = normalise_header(column)
        lowered = value.strip().lower()
        if (
            key in self.shown
            and len(value) <= MAX_SHOWN_LENGTH
            and self.valid(value, key)
            and lowered not in self.identifiers
            and not contains_identifier(lowered, self.identifiers)
            and not (self.kinds.get(key) != "integer" and looks_like_a_date(value))
        ):
            return value
        near = self.nearest(value, key) if key in self.shown else None
        return describe_value(value, near)


def mask_quality(
    quality: pd.DataFrame, codebook: Codebook, identifiers: frozenset[str] | set[str]
) -> pd.DataFrame:
    """The data-quality report fit for results/: no unknown value is shown.

    A value is kept only where it is a valid value of a code, ethnicity,
    yes/no or whole-number column (see :class:`ValueMask`); otherwise it
    reads ``[withheld: <length> characters, <kinds>]``, with the nearest valid
    code where it is a near miss. Every other column (file, sheet, row,
    column, rule, action) is kept, so the row can still be found and fixed;
    the unmasked report is written outside results/.

    Parameters
    ----------
    quality : pandas.DataFrame
        Data-quality rows (:data:`lcspr_stats.validate.QUALITY_COLUMNS`).
    codebook : Codebook
        The run's codebook (to know each column's kind and codes).
    identifiers : set of str
        Lower-case ids and names (:func:`identifying_values`).

    Returns
    -------
    pandas.DataFrame
        A copy with ``value`` masked.
    """
    out = quality.copy()
    values = out["value"].astype("string").fillna("")
    if isinstance(identifiers, Identifiers):
        # Only the report's own values and their runs of words are ever looked up.
        identifiers = identifiers.among(
            part
            for value in values
            if value and len(value) <= MAX_SHOWN_LENGTH
            for lowered in (value.strip().lower(),)
            for part in (lowered, *word_runs(lowered))
        )
    mask = ValueMask(codebook, identifiers)
    out["value"] = [mask(v, str(c)) for v, c in zip(values, out["column"])]
    return out


_NUMBER = re.compile(r"[+-]?\d{1,4}(\.\d{1,3})?")
_WORD = re.compile(r"\w+")


def contains_identifier(text: str, identifiers: frozenset[str] | set[str]) -> bool:
    """True if an identifier (3+ characters) stands in ``text`` as whole words.

    Every run of whole words in ``text`` is looked up in the set: a shown
    value is at most :data:`MAX_SHOWN_LENGTH` characters, so there are few
    runs, and the cost does not grow with the number of identifiers (a
    million SIN ids would make a regex of them take minutes and gigabytes).
    """
    return any(len(part) >= 3 and part in identifiers for part in word_runs(text))


def word_runs(text: str):
    """Every run of whole words of ``text``, as it stands in it (words and what is between)."""
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    return (text[start:end] for i, (start, _) in enumerate(spans) for _, end in spans[i:])
