"""Byte-identical output files: fixed zip timestamps and document dates."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import zipfile
from pathlib import Path

# Office documents carry a creation date; we pin it so reruns are identical.
FIXED_DATETIME = dt.datetime(2000, 1, 1, 0, 0, 0)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# The process umask, read once (os.umask can only be read by setting it).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def normalise_zip(data: bytes, stored: tuple[str, ...] = ()) -> bytes:
    """Rewrite a zip archive (xlsx, ods) with fixed entry timestamps and order.

    Parameters
    ----------
    data : bytes
        The archive as written by a library that stamps the current time.
    stored : tuple of str
        Entries kept uncompressed (an ODS's ``mimetype``, which the
        OpenDocument package rules want first and stored).

    Returns
    -------
    bytes
        The same members, in the same order, each stamped 1980-01-01 and
        deflated (unless ``stored``), so two writes of the same content give
        the same bytes.
    """
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            member.compress_type = (
                zipfile.ZIP_STORED if info.filename in stored else zipfile.ZIP_DEFLATED
            )
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A reader (or a crash) never sees a half-written file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes the file private (0600); outputs are ordinary files.
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 text atomically with Unix line endings."""
    atomic_write_bytes(path, text.encode("utf-8"))


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
