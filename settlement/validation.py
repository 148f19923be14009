"""Reading untrusted JSON values while collecting every problem with its path."""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

# JSON decimals are strings of plain digits: no exponent, no spaces, no underscores,
# no NaN or Infinity, all of which Decimal() would otherwise accept.
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a scenario, at a JSON path like `contracts[0].tranches[1].share`."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '$'}: {self.message}"


class ScenarioError(ValueError):
    """A scenario is invalid; `problems` lists every problem found, in document order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = "; ".join(str(p) for p in self.problems[:3])
        more = f" (and {count - 3} more)" if count > 3 else ""
        super().__init__(f"invalid scenario, {count} problem{'s' if count != 1 else ''}: {head}{more}")


def join(path: str, key: str | int) -> str:
    """Extend a JSON path by an object key or an array index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if not _IDENTIFIER.fullmatch(key):
        return f'{path}["{key}"]'
    return f"{path}.{key}" if path else key


def describe(value: Any) -> str:
    """Name the JSON type of a value for a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class Reader:
    """Read typed values out of parsed JSON, recording a Problem for each bad one."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._dates: dict[str, date] = {}

    def problem(self, path: str, message: str) -> None:
        """Record a problem."""
        self.problems.append(Problem(path, message))

    # -- structure ---------------------------------------------------------------

    def object(
        self, value: Any, path: str, required: Collection[str], optional: Collection[str]
    ) -> dict | None:
        """Check that value is an object with every required key and no unknown one."""
        if not isinstance(value, dict):
            self.problem(path, f"expected an object, got {describe(value)}")
            return None
        for key in required:
            if key not in value:
                self.problem(join(path, key), "required key missing")
            elif value[key] is None:
                self.problem(join(path, key), "required, must not be null")
        for key in value:
            if key not in required and key not in optional:
                self.problem(join(path, key), "unknown key")
        return value

    def array(self, obj: dict, key: str, path: str) -> list | None:
        """Read an array; None when absent or not an array."""
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            self.problem(join(path, key), f"expected an array, got {describe(value)}")
            return None
        return value

    # -- scalars -----------------------------------------------------------------

    def string(self, obj: dict, key: str, path: str) -> str | None:
        """Read a string; None when absent or of the wrong type."""
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(join(path, key), f"expected a string, got {describe(value)}")
            return None
        return value

    def identifier(self, obj: dict, key: str, path: str) -> str | None:
        """Read a code or ref: a non-empty string."""
        value = self.string(obj, key, path)
        if value is not None and not value.strip():
            self.problem(join(path, key), "must not be empty")
            return None
        return value

    def boolean(self, obj: dict, key: str, path: str) -> bool | None:
        """Read a JSON boolean."""
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.problem(join(path, key), f"expected true or false, got {describe(value)}")
            return None
        return value

    def integer(self, obj: dict, key: str, path: str, minimum: int | None = None) -> int | None:
        """Read a JSON integer (not a boolean, not a number with a fraction), at least minimum."""
        value = obj.get(key)
        if value is None:
            return None
        if type(value) is not int:
            self.problem(join(path, key), f"expected an integer, got {describe(value)}")
            return None
        if minimum is not None and value < minimum:
            self.problem(join(path, key), "must not be negative" if minimum == 0 else f"must be at least {minimum}")
            return None
        return value

    def decimal(self, obj: dict, key: str, path: str, *, negative: bool = False) -> Decimal | None:
        """Read a decimal given as a JSON string ("35", "4000.00"); not negative unless allowed."""
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                self.problem(join(path, key), f'expected a decimal as a string (e.g. "{value}"), got a number')
            else:
                self.problem(join(path, key), f"expected a decimal as a string, got {describe(value)}")
            return None
        if not _DECIMAL.fullmatch(value):
            self.problem(join(path, key), f"not a decimal number: {value!r}")
            return None
        number = Decimal(value)
        if number < 0 and not negative:
            self.problem(join(path, key), "must not be negative")
            return None
        return number

    def date(self, obj: dict, key: str, path: str) -> date | None:
        """Read a real calendar date written as YYYY-MM-DD."""
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(join(path, key), f"expected a date as a string YYYY-MM-DD, got {describe(value)}")
            return None
        parsed = self.parse_date(value)
        if parsed is None:
            self.problem(join(path, key), f"not a real date in the form YYYY-MM-DD: {value!r}")
        return parsed

    def parse_date(self, value: str) -> date | None:
        """Parse a YYYY-MM-DD string, or return None (cached: scenarios repeat dates a lot)."""
        parsed = self._dates.get(value)
        if parsed is None and _DATE.fullmatch(value):
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                return None
            self._dates[value] = parsed
        return parsed

    def choice(self, obj: dict, key: str, path: str, allowed: Collection[str], what: str) -> str | None:
        """Read a string that must be one of the allowed values."""
        value = self.string(obj, key, path)
        if value is not None and value not in allowed:
            self.problem(join(path, key), f"unknown {what} {value!r} (expected one of: {', '.join(sorted(allowed))})")
            return None
        return value

    def reference(self, obj: dict, key: str, path: str, known: Collection[str], what: str) -> str | None:
        """Read a code or ref that must name something defined elsewhere in the scenario."""
        value = self.identifier(obj, key, path)
        if value is not None and value not in known:
            self.problem(join(path, key), f"unknown {what} {value!r}")
            return None
        return value
