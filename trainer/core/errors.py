"""Errors that carry where they came from, so a person can fix the data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class DataError:
    """One problem in a data file: `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class DataErrors(Exception):
    """Raised when data cannot be loaded; holds every problem found, not just the first."""

    def __init__(self, errors: list[DataError]):
        self.errors = sorted(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def rel(path: Path | str) -> str:
    """A path as people should see it: relative to the working directory when possible."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
