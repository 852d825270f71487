"""The error a user sees for bad input or config: one clear message, no traceback."""

from __future__ import annotations


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
