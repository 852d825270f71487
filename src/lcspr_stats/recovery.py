"""Carrying on after a run was killed: a stale Snakemake lock removed, incomplete files remade.

A run stopped by SIGKILL (or a power loss) leaves Snakemake's lock files in
``.snakemake/locks/`` and marks the files its running jobs had begun as
incomplete. Bare ``snakemake`` then refuses to start (``LockException``,
``IncompleteFilesException``). ``lcspr-stats run`` recovers by itself: it
removes a lock only when no Snakemake process is running in the folder
(looked up in ``/proc``), and always passes ``--rerun-incomplete``. Outputs
are written atomically, so a kill never leaves a half-written file behind.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .errors import InputError

#: Passed on every run: remake what a killed job had begun (never a half-written file).
RERUN_INCOMPLETE = "--rerun-incomplete"


def lock_files(folder: Path) -> list[Path]:
    """Snakemake's lock files in ``folder`` (none when no run holds it)."""
    locks = folder / ".snakemake" / "locks"
    return sorted(p for p in locks.glob("*.lock")) if locks.is_dir() else []


def live_snakemake(folder: Path) -> list[int] | None:
    """Process ids of Snakemake runs working in ``folder`` (Linux ``/proc``), or None if unknown."""
    proc = Path("/proc")
    if not (proc / "self" / "cwd").exists():
        return None
    target = folder.resolve()
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            if not any(b"snakemake" in part for part in command[:3]):
                continue
            if Path(os.readlink(entry / "cwd")).resolve() == target:
                found.append(int(entry.name))
        except OSError:
            continue  # gone, or not ours to look at
    return found


def clear_stale_lock(folder: Path, unlock_command: list[str]) -> str | None:
    """Remove a lock a killed run left in ``folder``; say so, or stop if a run is going on.

    Parameters
    ----------
    folder : Path
        The folder the workflow runs in (``--directory``).
    unlock_command : list of str
        The run's Snakemake command with ``--unlock`` (Snakemake's own way to
        remove its locks).

    Returns
    -------
    str or None
        A line for the user when a stale lock was removed.

    Raises
    ------
    InputError
        Another run is working in the folder, or whether one is cannot be
        told (the message says what to do).
    """
    if not lock_files(folder):
        return None
    live = live_snakemake(folder)
    if live:
        raise InputError(
            f"another run is going on in '{folder}' (process {', '.join(map(str, live))}); "
            "wait for it to finish, or stop it, then run again"
        )
    if live is None:
        raise InputError(
            f"a lock is left in '{folder / '.snakemake' / 'locks'}'; if no other run is going "
            "on in that folder (a run was killed, or the power failed), remove it with the "
            "same command and --unlock, then run again"
        )
    done = subprocess.run(unlock_command, cwd=folder, capture_output=True, text=True)
    if done.returncode != 0 or lock_files(folder):
        raise InputError(
            f"a lock left in '{folder / '.snakemake' / 'locks'}' by a stopped run could not be "
            "removed; remove that folder's lock files, then run again"
        )
    return (
        "  A run in this folder was stopped before it finished (killed, or a power loss): "
        "its lock was removed and what it had begun will be made again."
    )
