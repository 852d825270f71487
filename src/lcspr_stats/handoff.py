"""The check's work handed to the jobs of the same run, so each input is read once.

The check before the first job (:mod:`lcspr_stats.preflight`) reads, cleans
and links every cohort. When every cohort passes, it leaves what it made in
``<processed_dir>/<year>/checked/``: per source the clean frame and its
data-quality rows, in the exact files the ingest stage writes, the linked
cohort, and ``stamp.json`` saying what they were made from. The analysis
job's ingest and derive stages take those files instead of reading and linking again
(:func:`take_source`, :func:`take_cohort`), but only when the stamp shows
they were made

- in this run (a token the check puts in the environment, which the jobs
  inherit from Snakemake),
- with this config (a digest of it), and
- from these files (each input's size and modification time, taken before
  the check read it; for the linked cohort, the SHA-256 of each clean frame).

Otherwise (Snakemake run with ``--no-hooks``, a job run again on its own, a
file changed since the check) a job reads and checks its input itself, as
it would without a hand-off: reuse is only ever a shortcut.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import uuid
from pathlib import Path

from . import config as cfg
from .determinism import sha256_file

#: The environment variable holding this run's token (set by the check).
TOKEN_VARIABLE = "LCSPR_STATS_CHECKED"
FOLDER = "checked"
STAMP = "stamp.json"
COHORT = "cohort.pkl"


def checked_dir(config: dict, year: int) -> Path:
    """The folder of one cohort's hand-off, under ``processed_dir``."""
    return Path(config["processed_dir"]) / str(year) / FOLDER


def frame_file(folder: Path, source: str) -> Path:
    """Where the hand-off keeps a source's clean frame (as the ingest stage writes it)."""
    return folder / f"{source}.pkl"


def quality_file(folder: Path, source: str) -> Path:
    """Where the hand-off keeps a source's data-quality rows (as the ingest stage writes them)."""
    return folder / f"{source}.quality.csv"


def _canonical(value: object) -> object:
    """A value JSON can write in one way: keys as text, sorted; anything else as text."""
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda i: str(i[0]))}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def config_digest(config: dict) -> str:
    """SHA-256 of the whole config: any change to it makes a hand-off stale."""
    text = json.dumps(_canonical(config), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def input_stamp(config: dict, source: str, year: int) -> dict | None:
    """What identifies one input file without reading it: path, sheet, size, time (None: absent)."""
    path = Path(cfg.input_path(config, source, year))
    try:
        status = path.stat()
    except OSError:
        return None
    return {
        "path": str(path.resolve()),
        "sheet": cfg.input_sheet(config, source),
        "size": status.st_size,
        "mtime_ns": status.st_mtime_ns,
    }


def new_token() -> str:
    """A fresh run token, put in the environment so the run's jobs inherit it."""
    token = uuid.uuid4().hex
    os.environ[TOKEN_VARIABLE] = token
    return token


def start(config: dict, year: int) -> Path:
    """Empty (or make) a cohort's hand-off folder; return it."""
    folder = checked_dir(config, year)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def finish(
    folder: Path, *, token: str, config: dict, inputs: dict, counts: dict, cohort: object
) -> None:
    """Write the linked cohort and, last, the stamp that makes the folder's files usable.

    ``inputs`` is :func:`input_stamp` per source, taken before the check read
    them; ``counts`` the rows and data problems per source, for the jobs' logs.
    The frames' digests are taken from the files already in ``folder``.
    """
    with open(folder / COHORT, "wb") as handle:
        pickle.dump(cohort, handle, protocol=pickle.HIGHEST_PROTOCOL)
    stamp = {
        "token": token,
        "config": config_digest(config),
        "inputs": inputs,
        "counts": counts,
        "frames": {source: sha256_file(frame_file(folder, source)) for source in inputs},
    }
    (folder / STAMP).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")


def _stamp(config: dict, year: int) -> dict | None:
    """The cohort's stamp if it was made in this run with this config, else None."""
    token = os.environ.get(TOKEN_VARIABLE)
    path = checked_dir(config, year) / STAMP
    if not token or not path.is_file():
        return None
    try:
        stamp = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stamp.get("token") != token or stamp.get("config") != config_digest(config):
        return None
    return stamp


def take_source(
    config: dict, source: str, year: int, frame_out: str, quality_out: str
) -> dict | None:
    """Move the check's clean frame and data-quality rows of a source into place, if fit to use.

    Returns
    -------
    dict or None
        The source's ``rows`` and ``problems`` if both files were taken; None
        if the job must read the source itself.
    """
    stamp = _stamp(config, year)
    if stamp is None or stamp["inputs"].get(source) != input_stamp(config, source, year):
        return None
    folder = checked_dir(config, year)
    frame, quality = frame_file(folder, source), quality_file(folder, source)
    if not (frame.is_file() and quality.is_file()):
        return None
    for made, out in ((frame, frame_out), (quality, quality_out)):
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        os.replace(made, out)
    return stamp["counts"][source]


def take_cohort(config: dict, year: int, frames_in: dict[str, str]) -> object | None:
    """The check's linked cohort, if the clean frames given are the ones it linked (else None)."""
    stamp = _stamp(config, year)
    path = checked_dir(config, year) / COHORT
    if stamp is None or not path.is_file() or set(stamp["frames"]) != set(frames_in):
        return None
    if any(sha256_file(frames_in[s]) != digest for s, digest in stamp["frames"].items()):
        return None
    with open(path, "rb") as handle:
        cohort = pickle.load(handle)
    path.unlink()  # taken: a job run again links the frames itself
    return cohort
