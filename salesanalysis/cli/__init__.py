"""The ``salesanalysis`` command line (``salesanalysis.cli:main``, also ``python -m salesanalysis``)."""

from salesanalysis.cli.app import app, main

__all__ = ["app", "main"]
