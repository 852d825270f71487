"""The accessible Excel workbook: cover, contents, notes and one table a sheet (gptables)."""

from __future__ import annotations

import io
import math
import re
import warnings
from typing import TYPE_CHECKING

import pandas as pd

from . import __version__
from .determinism import FIXED_DATETIME, normalise_zip
from .presentation import (
    NOT_APPLICABLE,
    STANDING_SYMBOLS,
    SUPPRESSED,
    SYMBOLS,
    Labels,
    is_suppressed,
    numeric_columns,
    present,
)
from .table import Table

if TYPE_CHECKING:
    from .settings import Release as ReleaseSettings

CI_NOTE = "confidence_intervals"
_NUMBERED = re.compile(r"^Table (\d+):")
# Layout, in pixels: headings wrap within a column of about this width, text
# columns wrap beyond the cap, and a page of A4 landscape holds about so much.
HEADING_WIDTH = (90, 170)
FIRST_COLUMN_CAP = 320
COLUMN_CAP = 380
NOTE_TEXT_WIDTH = 720
PAGE_WIDTH = 1400


def _pixels(text: str, size: float = 12, bold: bool = False) -> float:
    """Rendered width of a line of text (xlsxwriter's Calibri 11 estimate, scaled)."""
    from xlsxwriter.utility import xl_pixel_width

    return xl_pixel_width(text) * size / 11 * (1.1 if bold else 1.0)


def fit_columns(sheet, frame: pd.DataFrame) -> int:
    """Set a table sheet's column widths so headings wrap onto a few lines.

    gptables sizes a column to its longest heading, which makes tables with
    long headings (Table 4: 17 columns) far too wide to read or print.

    Returns
    -------
    int
        The table's total width in pixels.
    """
    total = 0
    for position, heading in enumerate(frame.columns):
        values = [str(v) for v in frame.iloc[:, position]]
        data = max((_pixels(v) for v in values), default=0)
        # Room for a note reference gptables may add under the heading.
        words = max(_pixels(w, bold=True) for w in f"{heading} [note 10]".split())
        target = min(
            max(_pixels(str(heading), bold=True) / 2.5, HEADING_WIDTH[0]), HEADING_WIDTH[1]
        )
        cap = FIRST_COLUMN_CAP if position == 0 else COLUMN_CAP
        width = int(min(max(data, words, target) + 16, cap))
        sheet.set_column_pixels(position, position, width)
        total += width
    return total


def fit_rows(sheet) -> None:
    """Give each row with wrapped text the height its lines need.

    Excel grows such rows when it opens the file, but LibreOffice (and so a
    PDF made with it) keeps the default height and overlaps the lines.
    """
    table = sheet.str_table.string_table
    strings = sorted(table, key=table.__getitem__)
    for row, cells in sheet.table.items():
        lines, size = 1, 11.0
        for column, cell in cells.items():
            kind = cell.__class__.__name__
            if kind not in ("String", "RichString"):
                continue
            text = strings[cell.string] if kind == "String" else cell.raw_string
            cell_format = cell.format
            font = float(getattr(cell_format, "font_size", 11) or 11)
            bold = bool(getattr(cell_format, "bold", False))
            size = max(size, font)
            if not (cell_format is not None and cell_format.text_wrap):
                continue
            room = max(sheet._size_col(column) - 10, 20)  # xlsxwriter's own lookup
            needed = sum(
                max(1, math.ceil(_pixels(part, font, bold) / room)) for part in text.split("\n")
            )
            lines = max(lines, needed)
        if lines > 1 or size > 11:
            sheet.set_row(row, round(lines * size * 1.3 + 4, 1))


def numbered_titles(tables: list[Table]) -> list[tuple[str, str]]:
    """Sheet name and title of each table: ``Table_3`` / ``Table 3: ...``.

    The report's Tables 1-5 keep their numbers; every further table is
    numbered on from the last, so each sheet's name matches its title.
    """
    out, used = [], set()
    for table in tables:
        match = _NUMBERED.match(table.title)
        if match:
            used.add(int(match.group(1)))
    following = max(used, default=0)
    for table in tables:
        match = _NUMBERED.match(table.title)
        if match:
            number, title = int(match.group(1)), table.title
        else:
            following += 1
            number, title = following, f"Table {following}: {table.title}"
        out.append((f"Table_{number}", title))
    return out


def _interval_note(labels: Labels, key_figures: dict) -> str:
    # The settings the tables stage made the intervals with, as it recorded them.
    settings = key_figures["uncertainty"]
    if settings.get("median_interval_method") == "percentile bootstrap":
        medians = (
            f"percentile bootstrap intervals ({settings['bootstrap_resamples']:,} resamples, "
            f"seed {settings['seed']})"
        )
    else:
        # The exact interval: no resamples, no seed; its coverage is in Table 3.
        medians = "exact intervals from the ordered durations (actual coverage in Table 3)"
    return (
        f"Confidence intervals ({labels.level}) of percentages are Wilson score intervals, "
        f"in percent to one decimal place; those of median weeks (Table 3) are {medians}. "
        "They show the uncertainty of treating this "
        "cohort as one year's sample of the reviews that could have arisen."
    )


def gp_tables(
    tables: list[Table], labels: Labels, source: str
) -> tuple[dict, dict, list[tuple[str, str]]]:
    """One gptables ``GPTable`` per table, and the notes they reference.

    A cell suppressed by disclosure control is the text ``[c]`` in a column
    of numbers (the Analysis Function's shorthand), explained in the table's
    legend and on the cover; every other number stays a number.

    Returns
    -------
    sheets : dict
        Sheet name -> ``GPTable``.
    frames : dict
        Sheet name -> the frame written (readable headings and values).
    notes : list of (str, str)
        Note reference and text, in table order.
    """
    import gptables as gpt

    sheets, frames = {}, {}
    # One note per distinct text: Tables 4 and 5 share the SCR 2017-19 note.
    reference_of: dict[str, str] = {}
    for table, (sheet, title) in zip(tables, numbered_titles(tables)):
        shown = present(table, labels)
        frame = shown.frame.copy()
        if frame.empty:
            # A cohort can lack a table's data (no durations, say); gptables
            # refuses a sheet without data, so the sheet says not applicable.
            frame = pd.DataFrame([[NOT_APPLICABLE] * len(frame.columns)], columns=frame.columns)
        for note in table.notes:
            reference_of.setdefault(note, f"note_{len(reference_of) + 1}")

        def refs(indexes: list[int], notes: list[str] = table.notes) -> str:
            return "".join(f"$${reference_of[notes[i]]}$$" for i in indexes)

        for row, indexes in shown.row_notes.items():
            frame.iat[row, 0] = f"{frame.iat[row, 0]} {refs(indexes)}"
        column_notes = {heading: refs(indexes) for heading, indexes in shown.column_notes.items()}
        for heading in shown.interval_columns:
            if heading.endswith("lower bound"):
                column_notes[heading] = column_notes.get(heading, "") + f"$${CI_NOTE}$$"
        title_refs = refs(shown.title_notes)
        # By position: gptables renames headings that carry note references.
        # Numbers are right-aligned explicitly (gptables infers it only for
        # columns whose heading carries a note), and intervals keep one decimal.
        numbers = [i for i, numeric in enumerate(numeric_columns(frame)) if numeric and i > 0]
        formatting = []
        if numbers:
            formatting.append({"column": {"columns": numbers, "format": {"align": "right"}}})
        if shown.interval_columns:
            positions = [frame.columns.get_loc(h) for h in shown.interval_columns]
            formatting.append({"column": {"columns": positions, "format": {"num_format": "0.0"}}})
        frames[sheet] = frame
        sheets[sheet] = gpt.GPTable(
            table=frame,
            table_name=table.name,
            title=f"{title} {title_refs}" if title_refs else title,
            source=f"Source: {source}",
            legend=[SYMBOLS[s] for s in shown.symbols],
            index_columns={2: 0},
            table_notes=column_notes or None,
            additional_formatting=formatting,
        )
    return sheets, frames, [(reference, note) for note, reference in reference_of.items()]


def build_workbook(
    tables: list[Table],
    labels: Labels,
    release: ReleaseSettings,
    key_figures: dict,
) -> bytes:
    """The workbook's bytes, identical on every run.

    Parameters
    ----------
    tables : list of Table
        Every table of the run, in report order.
    labels : Labels
        Readable headings and values.
    release : lcspr_stats.settings.Release
        The ``release`` settings (title, producer, source, contact, data notice).
    key_figures : dict
        The run's key figures (cohort year, counts for the cover).

    Returns
    -------
    bytes
        The .xlsx file: document dates pinned, zip entries time-stamped 1980.
    """
    import gptables as gpt

    year = key_figures["cohort_year"]
    source = release.source
    sheets, frames, notes = gp_tables(tables, labels, source)
    notes.append((CI_NOTE, _interval_note(labels, key_figures)))
    notes_table = pd.DataFrame(notes, columns=["Note reference", "Note text"])
    # A suppressed total is not printed (its tables show [c] where it stands).
    n_lcsprs = "" if is_suppressed(key_figures["n_lcsprs"]) else f"{key_figures['n_lcsprs']} "
    intro = [
        f"Statistical tables of the {n_lcsprs}local child safeguarding "
        f"practice reviews (LCSPRs) submitted to the Panel in {year}: Tables 1 to 5 of the "
        "report's Chapter 1 and every further breakdown, with confidence intervals and a "
        "comparison with the latest review of Serious Case Reviews.",
    ]
    if release.data_notice:
        intro.insert(0, release.data_notice)
    symbols = list(STANDING_SYMBOLS)
    if any(frame.isin([SUPPRESSED]).to_numpy().any() for frame in frames.values()):
        symbols.append(SUPPRESSED)
        intro.append(
            "Statistical disclosure control has been applied: small counts, and figures "
            f"from which they could be worked out, are shown as {SUPPRESSED} (confidential) "
            "to protect the children and families the reviews are about."
        )
    about = [
        f"Source: {source}.",
        "Counts and percentages are numbers in separate columns. Percentages are whole "
        "numbers rounded half up; published SCR percentages are as printed.",
        "Notes are listed on the Notes sheet and referenced as [note N] in titles, column "
        "headings and row labels.",
        "Shorthand: " + "; ".join(SYMBOLS[s] for s in symbols) + ".",
        f"Produced with lcspr-stats {__version__}.",
    ]
    cover = gpt.Cover(
        title=f"{release.title}: LCSPRs submitted in {year}",
        intro=intro,
        about=about,
        contact=[release.producer, release.contact],
    )
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # gptables warns about long sheets and wide columns it handles itself.
        warnings.simplefilter("ignore")
        book = gpt.produce_workbook(
            filename=buffer,
            sheets=sheets,
            cover=cover,
            notes_table=notes_table,
            contentsheet_options={"title": "Table of contents"},
            # Assembled in memory: xlsxwriter otherwise writes each part to a temporary file.
            workbook_options={"in_memory": True},
        )
        for sheet in book.worksheets():
            width = PAGE_WIDTH
            if sheet.name in frames:
                width = fit_columns(sheet, frames[sheet.name])
            elif sheet.name == "Notes":
                sheet.set_column_pixels(1, 1, NOTE_TEXT_WIDTH)
            fit_rows(sheet)
            # Printable (and convertible to PDF) on A4 landscape, as few pages wide
            # as keeps the text legible.
            sheet.set_landscape()
            sheet.set_paper(9)
            sheet.fit_to_pages(max(1, math.ceil(width / PAGE_WIDTH)), 0)
        book.set_properties(
            {
                "title": cover.title,
                "subject": f"LCSPRs submitted in {year}",
                "author": release.producer,
                "company": release.producer,
                "comments": f"Produced with lcspr-stats {__version__}",
                "created": FIXED_DATETIME,
            }
        )
        book.close()
    return normalise_zip(buffer.getvalue())
