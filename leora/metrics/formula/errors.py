"""Formula errors: what went wrong, where (1-based line and column) and what was expected there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FormulaError(Exception):
    message: str
    line: int = 1
    column: int = 1
    expected: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.message} (line {self.line}, column {self.column})"

    def as_dict(self) -> dict[str, Any]:
        """Return the error as the API shows it."""
        return {"message": self.message, "line": self.line, "column": self.column, "expected": self.expected}
