"""The errors actreg raises on purpose.

Every one carries a message written for the person at the keyboard: the CLI
prints it to stderr and exits 1, the TUI shows it. Anything else escaping the
data layer is a bug.
"""


class ActregError(Exception):
    """Base class: an operation was refused or failed, with a message to show."""


class InputError(ActregError):
    """Bad input: names the field (and row) and the reason. Nothing was changed."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class OutputExists(InputError):
    """The file an export would write already exists (replace it only when asked to)."""


class NotFound(ActregError):
    """No action, entry or meeting with that reference."""


class StaleVersion(ActregError):
    """The action changed since it was read (another actreg wrote to it)."""


class NotARegister(ActregError):
    """The file is not an actreg register, or is damaged, or too new. It was not touched."""


class ReadOnlyRegister(ActregError):
    """The register was opened read-only (file, folder or mount not writable)."""


class WriteFailed(ActregError):
    """SQLite refused a write (disk full, I/O error, locked too long). Nothing was changed."""
