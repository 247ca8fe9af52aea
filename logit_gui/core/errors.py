"""Errors the core raises for bad input; each message says what and where."""

from __future__ import annotations

__all__ = ["LogitError", "DataError", "OptimizerError"]


class LogitError(ValueError):
    """Base class: a user-facing problem with the input (never a bug)."""


class DataError(LogitError):
    """Bad data: the message names the file, line and column where it can."""


class OptimizerError(LogitError):
    """Bad optimizer name or parameter, or a method that cannot handle the objective."""
