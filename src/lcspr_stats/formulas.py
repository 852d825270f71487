"""Finding formula cells without a saved value in an .xlsx/.xlsm sheet (read as blank otherwise).

A workbook written by a script (openpyxl, a database export) can hold
formulas that no spreadsheet program has calculated: the file keeps the
formula but no result, and every reader (calamine included) sees an empty
cell. Such a cell is not blank in the user's eyes, so each one is reported
(:data:`FORMULA_RULE`) rather than silently read as missing.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

import pandas as pd

FORMULA_RULE = "formula without a saved value: open and save the file in Excel or LibreOffice"
FORMULA_ACTION = "row kept; value missing"

# A formula element, with or without a namespace prefix (<f>, <x:f ...>, <f/>).
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>]")
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def unsaved_formula_cells(path: Path, sheet: str, cells: pd.DataFrame) -> frozenset:
    """(data row index, normalised header) of every formula cell with no saved value.

    Parameters
    ----------
    path : Path
        An .xlsx or .xlsm file (already checked: a zip without DTDs).
    sheet : str
        The sheet read (matched ignoring case, as the reader does).
    cells : pandas.DataFrame
        The sheet as read, header row first (for the column names).

    Returns
    -------
    frozenset of (int, str)
        Positions as in :class:`lcspr_stats.io.SourceTable` (data rows from 0).
    """
    from .io import normalise_header

    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            if part is None or not _has_formula(archive, part):
                return frozenset()
            data = archive.read(part)
    except (KeyError, zipfile.BadZipFile, OSError):
        return frozenset()  # the reader has read the sheet; nothing more to say
    found = set()
    header = cells.iloc[0] if len(cells) else pd.Series(dtype=object)
    for hit in _FORMULA.finditer(data):
        start = max(
            (m.start() for m in _CELL_START.finditer(data, max(0, hit.start() - 400), hit.start())),
            default=-1,
        )
        if start < 0:
            continue
        end = data.find(b"c>", hit.end())
        cell = data[start : end if end > 0 else len(data)]
        tag_end = cell.find(b">")
        opening = cell[: tag_end + 1]
        ref = _REF.search(opening)
        if ref is None:
            continue
        kind = _TYPE.search(opening)
        value = _VALUE.search(cell)
        text_result = kind is not None and kind.group(1) in (b"str", b"inlineStr")
        if value is not None and (value.group(1) or text_result):
            continue  # a saved result (an empty text result is one too)
        row = int(ref.group(2))
        position = _column_position(ref.group(1).decode())
        if row < 2 or position >= len(header) or pd.isna(header.iloc[position]):
            continue
        found.add((row - 2, normalise_header(header.iloc[position])))
    return frozenset(found)


def _has_formula(archive: zipfile.ZipFile, part: str) -> bool:
    """True if the part holds a formula element, streamed (a large sheet is not held whole)."""
    tail = b""
    with archive.open(part) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            window = tail + chunk
            # A formula element starts "<f" or, with a prefix, ":f"; a plain substring test
            # (memchr-fast) passes over the chunks with neither, and only the rest are
            # searched with the pattern, which tries every "<" (1 s per million rows).
            if (b"<f" in window or b":f" in window) and _FORMULA.search(window):
                return True
            tail = chunk[-16:]
    return False


def _column_position(letters: str) -> int:
    position = 0
    for letter in letters:
        position = position * 26 + ord(letter) - 64
    return position - 1


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The archive member holding ``sheet`` (workbook.xml and its relationships)."""
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    wanted = sheet.strip().lower()
    rel_id = None
    for tag in _SHEET.finditer(workbook):
        attrs = {k.split(b":")[-1]: v for k, v in _ATTR.findall(tag.group(0))}
        name = attrs.get(b"name", b"").decode("utf-8", "replace")
        if name.strip().lower() == wanted and b"id" in attrs:
            rel_id = attrs[b"id"]
    if rel_id is None:
        return None
    for tag in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        attrs = dict(_ATTR.findall(tag.group(0)))
        if attrs.get(b"Id") == rel_id:
            target = attrs.get(b"Target", b"").decode()
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath("xl") / target)
    return None
