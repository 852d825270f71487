"""The workbook as OpenDocument (ODS): the same sheets, titles, notes and cells as the xlsx.

The Government Analysis Function asks for an open format beside Excel. The
ODS is made from the written xlsx, cell by cell, so the two cannot disagree;
its formatting is plainer (bold titles, the xlsx's column widths, links of
the contents sheet kept). Written with odfpy, its zip entries and document
dates pinned so every run gives the same bytes.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from .determinism import FIXED_DATETIME, atomic_write_bytes, normalise_zip

log = logging.getLogger("lcspr_stats")

# An xlsx column width is in characters of the default font; about 0.19 cm each.
CM_PER_CHARACTER = 0.19
DEFAULT_WIDTH = 8.43


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def workbook_to_ods(xlsx: bytes) -> bytes:
    """The ODS copy of a workbook.

    Parameters
    ----------
    xlsx : bytes
        The workbook (:func:`lcspr_stats.workbook.build_workbook`).

    Returns
    -------
    bytes
        The .ods file: a ``mimetype`` entry first and stored, every entry
        stamped 1980, the document's dates pinned.
    """
    import openpyxl
    from odf import dc, meta
    from odf.element import Element
    from odf.namespaces import nsdict
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import A, P

    # odfpy declares every namespace any document of the process has used (a
    # class-level dict): declare all it knows, in a fixed order, so the bytes do
    # not depend on what was written before.
    Element.namespaces.clear()
    Element.namespaces.update(sorted(nsdict.items(), key=lambda item: item[1]))
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    doc = OpenDocumentSpreadsheet()
    stamp = FIXED_DATETIME.isoformat()
    doc.meta.addElement(meta.CreationDate(text=stamp))
    doc.meta.addElement(dc.Date(text=stamp))
    if book.properties.title:
        doc.meta.addElement(dc.Title(text=book.properties.title))
    bold = Style(name="bold", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold", fontsize="14pt"))
    doc.automaticstyles.addElement(bold)
    widths: dict[str, Style] = {}

    def width_style(width: float) -> Style:
        key = f"{width * CM_PER_CHARACTER:.2f}cm"
        if key not in widths:
            style = Style(name=f"co{len(widths) + 1}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=key))
            doc.automaticstyles.addElement(style)
            widths[key] = style
        return widths[key]

    for sheet in book.worksheets:
        table = Table(name=sheet.title)
        columns = sheet.max_column
        for position in range(1, columns + 1):
            letter = openpyxl.utils.get_column_letter(position)
            dimension = sheet.column_dimensions.get(letter)
            width = dimension.width if dimension is not None and dimension.width else None
            table.addElement(TableColumn(stylename=width_style(width or DEFAULT_WIDTH)))
        for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=columns):
            out = TableRow()
            cells = list(row)
            while cells and cells[-1].value is None:
                cells.pop()
            for cell in cells:
                value = cell.value
                style = {"stylename": bold} if cell.row == 1 and value is not None else {}
                if value is None:
                    out.addElement(TableCell())
                    continue
                if _is_number(value):
                    element = TableCell(valuetype="float", value=value, **style)
                else:
                    element = TableCell(valuetype="string", **style)
                link = cell.hyperlink.location if cell.hyperlink is not None else None
                for line in _text(value).split("\n"):
                    paragraph = P()
                    if link:
                        paragraph.addElement(A(href=f"#{link}", text=line))
                    else:
                        paragraph.addText(line)
                    element.addElement(paragraph)
                out.addElement(element)
            if not cells:
                out.addElement(TableCell())  # a row holds at least one cell
            table.addElement(out)
        doc.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    doc.write(buffer)
    # The ODF package rule: "mimetype" first, uncompressed.
    return normalise_zip(buffer.getvalue(), stored=("mimetype",))


def run_ods(workbook_in: str, ods_out: str) -> None:
    """Write the ODS copy of the workbook ``workbook_in`` to ``ods_out``."""
    data = workbook_to_ods(Path(workbook_in).read_bytes())
    atomic_write_bytes(ods_out, data)
    log.info("ods: %d bytes", len(data))
