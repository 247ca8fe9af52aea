"""Errors the core raises for bad input; each message says what and where."""

from __future__ import annotations

__all__ = ["LogitError", "DataError", "OptimizerError", "OutputError", "as_integer"]


class LogitError(ValueError):
    """Base class: a user-facing problem with the input (never a bug)."""


class DataError(LogitError):
    """Bad data: the message names the file, line and column where it can."""


class OptimizerError(LogitError):
    """Bad optimizer name or parameter, or a method that cannot handle the objective."""


class OutputError(LogitError):
    """An output file cannot be written where the user asked: the message names that path."""


def as_integer(name: str, value) -> int:
    """``value`` as an int if it is a whole number (not a bool), else DataError."""
    ok = not isinstance(value, bool)
    if ok:
        try:
            v = int(value)
            ok = v == float(value)
        except (TypeError, ValueError, OverflowError):
            ok = False
    if not ok:
        raise DataError(f"{name} must be an integer, got {value!r}")
    return v
