"""The four input sources, declared once: name, default workbook and sheet, what each holds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """One input source of a cohort.

    Attributes
    ----------
    name : str
        Its key under ``inputs`` in the config, and its name in data-quality
        and reconciliation rows.
    file : str
        The workbook it is kept in by default (a new workspace's templates,
        the synthetic cohort). Sources that share a file are sheets of it.
    sheet : str
        Its sheet in that workbook by default.
    description : str
        What it holds, one line (a new workspace's config comments).
    """

    name: str
    file: str
    sheet: str
    description: str


# In the order the pipeline reads them and reports them.
SOURCE_TABLE: tuple[Source, ...] = (
    Source(
        "sin_register",
        "sin_register.xlsx",
        "sins",
        "National register of serious incident notifications: one row per child.",
    ),
    Source(
        "rapid_review_register",
        "rapid_review_register.xlsx",
        "rapid_reviews",
        "National register of rapid reviews: one row per rapid review.",
    ),
    Source(
        "reviews",
        "lcspr_coding_schedule.xlsx",
        "reviews",
        "The research team's coding schedule, one row per LCSPR.",
    ),
    Source(
        "children",
        "lcspr_coding_schedule.xlsx",
        "children",
        "The same schedule's child sheet, one row per child named in an LCSPR.",
    ),
)

# Optional columns of the rapid review register for the review pipeline: the
# date the Panel received the final LCSPR, and its publication (one of
# LCSPR_PUBLICATION; blank = awaiting). Without them the pipeline's outputs
# say "not available".
PIPELINE_COLUMNS: tuple[str, ...] = ("lcspr_received_date", "lcspr_publication")
LCSPR_PUBLICATION: tuple[str, ...] = ("published", "not to be published", "awaiting")

SOURCES: tuple[str, ...] = tuple(source.name for source in SOURCE_TABLE)
BY_NAME: dict[str, Source] = {source.name: source for source in SOURCE_TABLE}


def default_files() -> dict[str, list[Source]]:
    """The default workbooks and the sources each holds, in :data:`SOURCE_TABLE` order.

    Returns
    -------
    dict of str to list of Source
        File name -> the sources that are its sheets.
    """
    files: dict[str, list[Source]] = {}
    for source in SOURCE_TABLE:
        files.setdefault(source.file, []).append(source)
    return files
