"""Formula injection on the intake side: :func:`restore_text` reads back what
:func:`neutralise_text` wrote (both live in :mod:`salesanalysis.cells`, below every stage, so
reports and workbooks use them without importing the intake)."""

from salesanalysis.cells import FORMULA_PREFIXES, neutralise_text, restore_text

__all__ = ["FORMULA_PREFIXES", "neutralise_text", "restore_text"]
