"""Checks on an input file that read none of it: present, a file, a known type, within size.

Kept apart from :mod:`lcspr_stats.io` (which imports pandas) because the
workflow runs them every time it is parsed, a no-op rerun included, where
importing pandas would cost more than the checks.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from .errors import InputError

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv"}
SPSS_SUFFIXES = {".sav", ".zsav"}
SUPPORTED_SUFFIXES = EXCEL_SUFFIXES | TEXT_SUFFIXES | SPSS_SUFFIXES


def check_file(path: Path, file: str, sheet: str = "", *, max_bytes: int | None = None) -> None:
    """Stop unless ``path`` is an existing file of a supported type within the size limit.

    Cheap (no reading), so the workflow can run it for every input before it
    plans any job.

    Raises
    ------
    InputError
        Naming the file and sheet, and what was expected.
    """
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(file=file, sheet=sheet, message="file not found")
    if path.is_dir():
        raise InputError(file=file, sheet=sheet, message="is a folder, not a file")
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(
            file=file,
            sheet=sheet,
            message=f"unsupported file type '{suffix or '(none)'}'; expected one of "
            + ", ".join(sorted(SUPPORTED_SUFFIXES)),
        )
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise InputError(
            file=file,
            sheet=sheet,
            message=f"file is {size} bytes, over the limit of {max_bytes} (max_input_bytes)",
        )
    if size == 0:
        raise InputError(file=file, sheet=sheet, message="file is empty (0 bytes)")
    with readable(file, sheet):
        with open(path, "rb"):
            pass


@contextlib.contextmanager
def readable(file: str, sheet: str = ""):
    """Turn a refusal to read ``file`` into a clear message (never "internal error").

    Raises
    ------
    InputError
        ``cannot read the file: permission denied`` (or the system's reason).
    """
    try:
        yield
    except PermissionError:
        raise InputError(
            file=file, sheet=sheet, message="cannot read the file: permission denied"
        ) from None
    except IsADirectoryError:
        raise InputError(file=file, sheet=sheet, message="is a folder, not a file") from None
