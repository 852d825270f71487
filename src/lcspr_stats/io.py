"""Reading input spreadsheets and writing files: the only module that touches input files."""

from __future__ import annotations

import codecs
import contextlib
import csv
import gc
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .determinism import FIXED_DATETIME, atomic_write_bytes, normalise_zip
from .errors import InputError

# The cheap checks need no pandas (the workflow runs them while it is parsed).
from .inputfiles import (  # noqa: F401 - re-exported: io is where readers look
    EXCEL_SUFFIXES,
    SPSS_SUFFIXES,
    SUPPORTED_SUFFIXES,
    TEXT_SUFFIXES,
    check_file,
    readable,
)

# Office formats that are zip archives of XML parts (.xls is an older binary format).
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".ods"}
# Formats whose formula cells may lack a saved value (written by a script, never opened).
FORMULA_SUFFIXES = {".xlsx", ".xlsm"}
# An OLE2 compound file: an .xls, or an Office file encrypted with a password.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Encodings tried in turn for CSV: exports from Excel on Windows are often cp1252.
CSV_ENCODINGS = ("utf-8-sig", "cp1252")


@dataclass(frozen=True)
class SourceTable:
    """One sheet as read, with where it came from.

    Attributes
    ----------
    frame : pandas.DataFrame
        Cells as read (objects), columns renamed to their normalised names.
    file : str
        The path as given in config (what the user will recognise).
    sheet : str
        The sheet name, or "" for a CSV or SPSS file.
    original_columns : dict
        Normalised name -> header as written in the file.
    """

    frame: pd.DataFrame
    file: str
    sheet: str
    original_columns: dict[str, str]
    #: (frame index, normalised column) of each formula cell without a saved value.
    formula_cells: frozenset[tuple[int, str]] = frozenset()


def normalise_header(name: object) -> str:
    """Return the matching key of a header: trimmed, lower case, spaces as ``_``.

    >>> normalise_header("  Child Age  Years ")
    'child_age_years'
    """
    text = str(name).strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def read_source(
    path: str | Path,
    sheet: str,
    *,
    max_bytes: int | None = None,
    max_unzipped_bytes: int | None = None,
) -> SourceTable:
    """Read one sheet of one input file, with every cell as read.

    Parameters
    ----------
    path : str or Path
        An .xlsx, .xlsm, .xls, .ods, .csv or .sav file.
    sheet : str
        The sheet to read from a workbook (ignored for .csv and .sav).
    max_bytes : int, optional
        Refuse files larger than this.
    max_unzipped_bytes : int, optional
        Refuse .xlsx, .xlsm and .ods files whose parts unpack to more than
        this (a zip bomb).

    Returns
    -------
    SourceTable

    Raises
    ------
    InputError
        The file is missing, of an unsupported type, unreadable, too large,
        unsafe (a zip bomb, XML with a document type declaration), lacks the
        sheet, or has a blank or repeated header; the message names the file
        and the sheet.
    """
    file = str(path)
    path = Path(path)
    suffix = path.suffix.lower()
    check_file(path, file, sheet, max_bytes=max_bytes)
    if suffix in ZIP_SUFFIXES:
        check_archive(path, file, sheet, max_unzipped_bytes=max_unzipped_bytes)
    if suffix in TEXT_SUFFIXES:
        cells, sheet_used = _read_csv(path, file), ""
    elif suffix in SPSS_SUFFIXES:
        cells, sheet_used = _read_spss(path, file), ""
    else:
        cells, sheet_used = _read_workbook(path, file, sheet), sheet
    formulas = frozenset()
    if suffix in FORMULA_SUFFIXES:
        from .formulas import unsaved_formula_cells

        formulas = unsaved_formula_cells(path, sheet_used, cells)
    frame, original = _with_header(cells, file, sheet_used)
    # Rows that are wholly blank are spreadsheet padding, not records.
    frame = frame.loc[~_blank_rows(frame)]
    return SourceTable(
        frame=frame,
        file=file,
        sheet=sheet_used,
        original_columns=original,
        formula_cells=formulas,
    )


def check_archive(
    path: Path, file: str, sheet: str = "", *, max_unzipped_bytes: int | None = None
) -> None:
    """Refuse an .xlsx/.ods archive that is not a zip, unpacks too large, or carries a DTD.

    Office files are zip archives of XML parts. Before the spreadsheet reader
    sees one, the sizes its parts declare are added up (a zip bomb unpacks to
    gigabytes from a few kilobytes), and the start of every XML part is parsed
    with defusedxml, which refuses a document type declaration: spreadsheets
    never need one, and it is what entity-expansion ("billion laughs") and
    external-entity attacks are made of.

    Raises
    ------
    InputError
        Naming the file and the part at fault.
    """
    with readable(file, sheet), open(path, "rb") as handle:
        head = handle.read(1 << 16)
    if head.startswith(OLE_MAGIC) and _is_encrypted(path, file, sheet):
        raise InputError(
            file=file,
            sheet=sheet,
            message="is encrypted (protected by a password to open); save a copy without "
            "the password and point the config at it",
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError(
            file=file,
            sheet=sheet,
            message=f"cannot be read as a spreadsheet: a {path.suffix.lower()} file is a zip "
            "archive, and this one is not (damaged, or another kind of file renamed)",
        ) from None
    with archive:
        members = archive.infolist()
        unzipped = sum(m.file_size for m in members)
        if max_unzipped_bytes is not None and unzipped > max_unzipped_bytes:
            raise InputError(
                file=file,
                sheet=sheet,
                message=f"unpacks to {unzipped} bytes, over the limit of {max_unzipped_bytes} "
                "(max_unzipped_bytes); refused as a possible zip bomb",
            )
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels")):
                _check_xml_prolog(archive, member, file, sheet)


class _RootReached(Exception):
    """Raised by the prolog check's parser target at the first element."""


class _StopAtRoot:
    """An ElementTree parser target that stops parsing at the root element."""

    def start(self, tag: str, attrib: dict) -> None:
        raise _RootReached

    def end(self, tag: str) -> None:  # pragma: no cover - never reached
        pass

    def data(self, data: str) -> None:  # pragma: no cover - text before the root
        pass

    def close(self) -> None:
        pass


def _check_xml_prolog(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str, sheet: str):
    """Parse one XML part up to its root element with DTDs and entities forbidden."""
    import defusedxml
    from defusedxml.ElementTree import DefusedXMLParser

    parser = DefusedXMLParser(
        target=_StopAtRoot(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        with archive.open(member) as handle:
            # A DTD can only stand before the root element, so the prolog is enough.
            for _ in range(16):
                chunk = handle.read(65536)
                if not chunk:
                    break
                parser.feed(chunk)
    except _RootReached:
        return
    except defusedxml.DefusedXmlException:
        raise InputError(
            file=file,
            sheet=sheet,
            message=f"part '{member.filename}' declares an XML document type (DTD), which "
            "spreadsheets do not need and which can hide entity-expansion attacks; refused",
        ) from None
    except Exception:  # noqa: BLE001 - malformed XML is for the reader to report
        return


def _with_header(cells: pd.DataFrame, file: str, sheet: str) -> tuple[pd.DataFrame, dict]:
    """Take the first row of ``cells`` as the header; index data rows from 0.

    Columns with a blank header and no data are padding and are dropped; a
    blank header over data, or two headers that match the same name, stop
    the run.
    """
    if cells.shape[0] == 0:
        return pd.DataFrame(index=pd.RangeIndex(0)), {}
    header = cells.iloc[0]
    data = cells.iloc[1:].reset_index(drop=True)
    blank_header = header.astype("string").fillna("").str.strip() == ""
    if blank_header.all() and cells.shape[1] and not _blank_rows(data).all():
        raise InputError(
            file=file,
            sheet=sheet,
            row=1,
            message="the first row is empty; it must hold the column names",
        )
    original: dict[str, str] = {}
    first_at: dict[str, int] = {}
    keep, names = [], []
    for position, (name, blank) in enumerate(zip(header, blank_header)):
        column = data.iloc[:, position]
        if blank:
            if _blank_rows(column.to_frame()).all():
                continue
            raise InputError(
                file=file,
                sheet=sheet,
                column=column_letter(position),
                message="a column holds data but has no name in the first row",
            )
        key = normalise_header(name)
        if key in original:
            raise InputError(
                file=file,
                sheet=sheet,
                column=str(name).strip(),
                message=f"two columns both read as '{key}' ('{original[key]}' and "
                f"'{str(name).strip()}', columns {column_letter(first_at[key])} and "
                f"{column_letter(position)}); keep one",
            )
        original[key] = str(name).strip()
        first_at[key] = position
        keep.append(position)
        names.append(key)
    frame = data.iloc[:, keep].copy()
    frame.columns = names
    frame.index = pd.RangeIndex(len(frame))
    return frame.astype(object), original


def column_letter(position: int) -> str:
    """Spreadsheet column letter of a 0-based position (0 -> A, 27 -> AB)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    """True for rows whose every cell is missing or only spaces."""
    if frame.empty:
        return pd.Series(True, index=frame.index)
    from .clean import blank_mask

    blank = np.ones(len(frame), dtype=bool)
    for position in range(frame.shape[1]):
        # Only the rows blank so far are looked at: a register's first column is
        # its id, filled on every record, so the other columns see a row or two.
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        column = frame.iloc[:, position]
        if len(rows) < len(frame):
            column = column.iloc[rows]
        blank[rows] = blank_mask(column).to_numpy(dtype=bool)
    return pd.Series(blank, index=frame.index)


def _read_workbook(path: Path, file: str, sheet: str) -> pd.DataFrame:
    """Every cell of one sheet as read by calamine (header row included).

    python-calamine is called directly rather than through ``pandas.read_excel``:
    pandas converts the cells one by one in Python, which at a million rows
    took longer than reading the file. The cell values are the same (text,
    floats, dates); empty cells become missing.
    """
    from python_calamine import CalamineWorkbook

    # From the open file, so the format is told by content, not by file name.
    with readable(file, sheet), open(path, "rb") as handle:
        try:
            book = CalamineWorkbook.from_filelike(handle)
        except Exception as exc:  # calamine raises its own error types
            raise InputError(
                file=file, sheet=sheet, message=f"cannot be read as a spreadsheet ({_short(exc)})"
            ) from None
        names = book.sheet_names
        match = {n.strip().lower(): n for n in names}.get(sheet.strip().lower())
        if match is None:
            raise InputError(
                file=file,
                sheet=sheet,
                message="sheet not found; the file has: " + shown_sheet_names(names),
            )
        with without_cyclic_gc():
            try:
                # skip_empty_area=False keeps leading blank rows: row numbers stay the user's.
                rows = book.get_sheet_by_name(match).to_python(skip_empty_area=False)
            except Exception as exc:
                raise InputError(
                    file=file, sheet=sheet, message=f"sheet cannot be read ({_short(exc)})"
                ) from None
            cells = pd.DataFrame(rows, dtype=object)
            del rows
    # calamine gives "" for an empty cell.
    return cells.mask(cells.eq(""))


@contextlib.contextmanager
def without_cyclic_gc():
    """Pause Python's cyclic garbage collector while a sheet becomes rows of cells.

    A sheet comes as one small list per row; a million of them trigger the
    collector again and again, each time walking every object alive (about a
    quarter of the read's time at a million rows). Lists of cells hold no
    reference cycles, so there is nothing for it to find; reference counting
    still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _is_encrypted(path: Path, file: str, sheet: str) -> bool:
    """True for an OLE2 file holding an encrypted Office package (its EncryptionInfo stream)."""
    marker = "EncryptionInfo".encode("utf-16-le")
    with readable(file, sheet), open(path, "rb") as handle:
        # Directory entries name their streams in UTF-16; the file is at most max_input_bytes.
        return marker in handle.read()


def shown_sheet_names(names: list[str]) -> str:
    """The sheets of a workbook as a message may list them: names that could identify, hidden.

    A sheet's name can name a child or a partnership, and messages reach the
    terminal and the logs, so only the contract's own sheet names (``sins``,
    ``rapid_reviews``, ``reviews``, ``children``) and ``Sheet1``-like defaults
    are shown; any other is given by its position.

    >>> shown_sheet_names(["sins", "Smith family"])
    'sins, sheet 2 (name not shown)'
    """
    from .sources import SOURCE_TABLE

    safe = {s.sheet for s in SOURCE_TABLE}
    shown = [
        name
        if name.strip().lower() in safe or re.fullmatch(r"(?i)sheet\s*\d{1,3}", name.strip())
        else f"sheet {position} (name not shown)"
        for position, name in enumerate(names, start=1)
    ]
    return ", ".join(shown) if shown else "no sheets"


def _read_csv(path: Path, file: str) -> pd.DataFrame:
    with readable(file):
        raw = path.read_bytes()
    encodings = CSV_ENCODINGS
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" and some exports: UTF-16 with its byte-order mark.
        encodings = ("utf-16",)
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            with without_cyclic_gc():
                records = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise InputError(file=file, message=f"cannot be read as CSV ({_short(exc)})") from None
        if not records:
            return pd.DataFrame()
        width = len(records[0])
        for number, record in enumerate(records[1:], start=2):
            extra = [cell for cell in record[width:] if cell.strip()]
            if extra:
                raise InputError(
                    file=file,
                    row=number,
                    message=f"has {len(record)} cells but the header has {width}; a cell "
                    "holds an unquoted comma or the row is shifted",
                )
        # Short rows are padded: spreadsheet exports drop trailing empty cells.
        with without_cyclic_gc():
            rows = [(r + [""] * width)[:width] for r in records]
            del records
            frame = pd.DataFrame(rows, dtype=object)
            del rows
        return frame.where(frame != "")
    raise InputError(file=file, message="is not text in UTF-8 or Windows-1252")


def _read_spss(path: Path, file: str) -> pd.DataFrame:
    try:
        import pyreadstat

        frame, _meta = pyreadstat.read_sav(str(path), apply_value_formats=True)
    except Exception as exc:
        raise InputError(file=file, message=f"cannot be read as SPSS ({_short(exc)})") from None
    # The same shape as a sheet read without a header: names in the first row.
    header = pd.DataFrame([list(frame.columns)], dtype=object)
    body = frame.astype(object)
    body.columns = range(body.shape[1])
    header.columns = range(body.shape[1])
    return pd.concat([header, body], ignore_index=True)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def spreadsheet_row(index: pd.Index | np.ndarray) -> np.ndarray:
    """Row numbers as the user sees them: the header is row 1, data start at 2."""
    return np.asarray(index, dtype=int) + 2


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Render frames as an .xlsx workbook, one sheet each, byte for byte repeatable.

    Dates become real spreadsheet dates (shown yyyy-mm-dd); missing values
    become empty cells; the header is the first row.
    """
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "lcspr-stats"
    book.properties.created = FIXED_DATETIME
    book.properties.modified = FIXED_DATETIME
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=name)
        sheet.append([str(c) for c in frame.columns])
        date_columns = [
            i + 1
            for i, c in enumerate(frame.columns)
            if pd.api.types.is_datetime64_any_dtype(frame[c])
        ]
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
        for col in date_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook stamps "modified" with now.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return normalise_zip(buffer.getvalue())


def write_xlsx(sheets: dict[str, pd.DataFrame], path: str | Path) -> None:
    """Write frames to ``path`` as a deterministic .xlsx (see :func:`xlsx_bytes`)."""
    atomic_write_bytes(path, xlsx_bytes(sheets))


def _cell(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
