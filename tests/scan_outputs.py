"""Scanning output files for anything identifying from the inputs: ids, partnership names, dates.

Used by the confidentiality tests: the needles come from the input frames,
the haystack is every file under a results folder (CSV, JSON, Markdown as
text; HTML and SVG by their text, titles and alt text; .xlsx and .ods by their cell
contents and document properties; PNG by its text chunks).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

import pandas as pd

ID_COLUMNS = ("sin_id", "rr_id", "lcspr_id", "child_ref")
NAME_COLUMNS = ("partnership",)
DATE_COLUMNS = ("incident_date", "notification_date", "rr_date", "date_submitted")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def date_spellings(day: pd.Timestamp) -> set[str]:
    """The ways a date could be written: ISO, UK, compact, long, Excel serial."""
    return {
        f"{day:%Y-%m-%d}",
        f"{day:%d/%m/%Y}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day:%d.%m.%Y}",
        f"{day:%d-%m-%Y}",
        f"{day:%m/%d/%Y}",
        f"{day:%Y%m%d}",
        f"{day.day} {day:%B %Y}",
        f"{day:%d %b %Y}",
        str((day - EXCEL_EPOCH).days),
    }


def needles(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Every id, partnership name and date (in every spelling) of the input frames.

    Returns
    -------
    dict
        needle text -> what it is (for the failure message).
    """
    found: dict[str, str] = {}
    for source, frame in frames.items():
        for column in (*ID_COLUMNS, *NAME_COLUMNS):
            if column in frame.columns:
                for value in frame[column].dropna().astype(str).str.strip():
                    if value:
                        found[value] = f"{source}.{column}"
        for column in DATE_COLUMNS:
            if column in frame.columns:
                for value in pd.to_datetime(frame[column], errors="coerce").dropna():
                    for spelling in date_spellings(pd.Timestamp(value)):
                        found[spelling] = f"{source}.{column}"
    return found


def file_text(path: Path) -> str:
    """The text a reader of ``path`` could see."""
    data = path.read_bytes()
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
        parts = []
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="calamine")
        for name, frame in sheets.items():
            parts.append(name)
            parts += [str(v) for v in frame.to_numpy().ravel() if pd.notna(v)]
        with zipfile.ZipFile(path) as archive:
            for member in (
                "docProps/core.xml",
                "docProps/app.xml",
                "docProps/custom.xml",
                "meta.xml",
            ):
                if member in archive.namelist():
                    parts.append(re.sub(r"<[^>]+>", " ", archive.read(member).decode("utf-8")))
        return "\n".join(parts)
    if path.suffix.lower() == ".png":
        return "\n".join(_png_text(data))
    text = data.decode("utf-8", errors="replace")
    if path.suffix.lower() in (".html", ".htm", ".svg", ".xml"):
        # What a reader sees: text and the titles and alt text of elements, not
        # markup (SVG path data such as "C5.2" is not a child reference).
        shown = re.findall(r'(?:alt|title|aria-label)="([^"]*)"', text)
        text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S | re.I)
        text = re.sub(r"<[^>]*>", " ", text)
        return text + "\n" + "\n".join(shown)
    return text


def _png_text(data: bytes) -> list[str]:
    texts, position = [], 8
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"tEXt":
            texts.append(body.decode("latin-1"))
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            texts.append(key.decode("latin-1") + " " + zlib.decompress(rest[1:]).decode("latin-1"))
        elif kind == b"iTXt":
            texts.append(body.decode("utf-8", errors="replace"))
        position += 12 + length
    return texts


def scan(results: Path, found: dict[str, str]) -> list[str]:
    """Every needle found in any file under ``results``: 'file: needle (what)'."""
    if not found:
        return []
    pattern = re.compile(
        r"(?<!\w)("
        + "|".join(re.escape(n) for n in sorted(found, key=len, reverse=True))
        + r")(?!\w)",
        re.IGNORECASE,
    )
    lowered = {n.lower(): what for n, what in found.items()}
    hits = []
    for path in sorted(p for p in results.rglob("*") if p.is_file()):
        for match in pattern.finditer(file_text(path)):
            text = match.group(1)
            hits.append(f"{path.relative_to(results)}: {text!r} ({lowered[text.lower()]})")
    return hits
