"""The errors a user sees, one way of showing them, and the exit codes every entry point uses.

The Snakemake scripts (:func:`lcspr_stats.stages.as_script`), the check
before the first job (:mod:`lcspr_stats.preflight`) and the command line
(:mod:`lcspr_stats.cli`) all end through :func:`run_reporting_errors`, so a
problem reads the same and exits with the same code wherever it is found.
"""

from __future__ import annotations

import errno
import os
import traceback
from collections.abc import Callable
from pathlib import Path

#: Exit codes, the same for ``lcspr-stats``, the workflow's check and its jobs.
EXIT_OK = 0
#: A problem with the inputs, the config or the run (the message says which).
EXIT_INPUT = 1
#: A mistake in the command line (argparse exits with 2 too).
EXIT_USAGE = 2
#: A bug in lcspr-stats: the traceback is in the log (or shown with --debug).
EXIT_INTERNAL = 3
#: Stopped by Ctrl-C (128 + SIGINT, as a shell reports it).
EXIT_INTERRUPTED = 130

INTERNAL = "internal error"


class InputError(Exception):
    """A fatal problem with an input file or the config.

    The message names the file, sheet, row and column where they are known,
    says what was expected, and is shown to the user without a traceback.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        sheet: str = "",
        row: int | None = None,
        column: str = "",
    ) -> None:
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.detail = message
        super().__init__(self.render())

    def render(self) -> str:
        """Return the one-paragraph message shown to the user."""
        where = []
        if self.file:
            where.append(f"file '{self.file}'")
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.detail}" if prefix else self.detail


def describe(error: BaseException) -> str:
    """The one-line text of an expected error: an :class:`InputError`, an ``OSError``, any other."""
    if isinstance(error, InputError):
        return error.render()
    if isinstance(error, OSError):
        where = f"'{error.filename}': " if error.filename else ""
        return f"{where}{error.strerror or error}"
    return str(error)


def disk_full(error: BaseException) -> bool:
    """True for a write refused because the disk (or the user's quota) is full."""
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


def disk_full_message(error: OSError) -> str:
    """``no space left on device``, naming the folder being written to where it is known."""
    where = ""
    if error.filename:
        name = os.fspath(error.filename)
        folder = name if os.path.isdir(name) else os.path.dirname(name) or "."
        where = f" writing to the folder '{folder}'"
    return (
        f"no space left on device{where}; free some space (or set results_dir, "
        "processed_dir and logs_dir to a disk with room) and run again: nothing "
        "half-written is left"
    )


def internal_message(error: BaseException, *, doing: str = "", hint: str, detail: bool) -> str:
    """The one line shown for a bug: ``internal error[ while ...] (Type[: text]); <hint>``.

    ``detail`` adds the exception's own text; the Snakemake scripts and the
    check leave it out, as it may quote a value from the data.
    """
    what = f"{type(error).__name__}: {error}" if detail else type(error).__name__
    return f"{INTERNAL}{doing} ({what}); {hint}"


def run_reporting_errors(
    action: Callable[[], int | None],
    *,
    show: Callable[[str], None],
    expected: tuple[type[BaseException], ...] = (InputError,),
    log_path: str | Path | None = None,
    log_mode: str = "a",
    doing: str = "",
    detail: bool = False,
    debug: bool = False,
) -> int:
    """Run ``action`` and turn whatever stops it into one message and an exit code.

    Parameters
    ----------
    action : callable
        Takes no argument; returns an exit code, or None for :data:`EXIT_OK`.
    show : callable
        Shows one message (it may run over several lines) to the user.
    expected : tuple of exception types
        Problems the user can fix: shown with :func:`describe`, exit
        :data:`EXIT_INPUT`.
    log_path : str or Path, optional
        Where the traceback of an internal error is written (``log_mode``
        ``"a"`` appends, ``"w"`` replaces); the message points there.
        Without one the message says to run with ``--debug``.
    doing : str
        What was being done, for the internal-error message
        (``" while checking the inputs"``).
    detail : bool
        Show the exception's text in the internal-error message.
    debug : bool
        Re-raise an internal error, traceback and all (``lcspr-stats --debug``).

    Returns
    -------
    int
        :data:`EXIT_OK`, :data:`EXIT_INPUT`, :data:`EXIT_INTERNAL` or
        :data:`EXIT_INTERRUPTED` (or what ``action`` returned).
    """
    try:
        status = action()
    except expected as error:
        show(describe(error))
        return EXIT_INPUT
    except KeyboardInterrupt:
        show("interrupted")
        return EXIT_INTERRUPTED
    except Exception as error:  # noqa: BLE001 - last line of defence: no traceback on screen
        if disk_full(error):
            show(disk_full_message(error))
            return EXIT_INPUT
        if debug:
            raise
        hint = "run with --debug for details"
        if log_path:
            log = Path(log_path)
            log.parent.mkdir(parents=True, exist_ok=True)
            with open(log, log_mode, encoding="utf-8") as handle:
                handle.write(traceback.format_exc())
            hint = f"details in {log}"
        show(internal_message(error, doing=doing, hint=hint, detail=detail))
        return EXIT_INTERNAL
    return EXIT_OK if status is None else status
