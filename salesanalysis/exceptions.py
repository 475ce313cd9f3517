"""Exception types of salesanalysis.

Every error a user can cause (bad file, bad config, bad parameter, old or new store) is a
subclass of :class:`SalesAnalysisError`; the CLI prints its message on one line and exits 1.
Messages name the file, row, column or key at fault and say how to fix it.
"""

from __future__ import annotations


class SalesAnalysisError(Exception):
    """Base class of every error salesanalysis raises on purpose."""


class StoreError(SalesAnalysisError):
    """The DuckDB store is missing, locked or unusable."""


class SchemaVersionError(StoreError):
    """The store was written by a newer or unknown schema version."""


class ConfigError(SalesAnalysisError):
    """A YAML configuration file is malformed or holds unknown keys or bad values.

    Parameters
    ----------
    file : str
        The configuration file (or ``"<defaults>"`` for a shipped default).
    key : str
        Dotted path of the offending key, empty when the whole file is at fault.
    message : str
        What is wrong and how to fix it.
    """

    def __init__(self, file: str, key: str, message: str) -> None:
        self.file = str(file)
        self.key = key
        self.message = message
        where = f"{self.file}: {key}: " if key else f"{self.file}: "
        super().__init__(where + message)


class MappingError(ConfigError):
    """A source column mapping does not fit the file it is applied to."""


class IntakeError(SalesAnalysisError):
    """A source file cannot be read or imported."""


class InsufficientHistoryError(SalesAnalysisError):
    """There is too little won/lost history to fit or judge a model."""


class ReportError(SalesAnalysisError):
    """A report could not be rendered; the last good report is kept."""


class ParameterError(SalesAnalysisError):
    """A report or notebook parameter is unknown or has a bad value."""
