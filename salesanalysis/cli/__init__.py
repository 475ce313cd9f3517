"""The ``salesanalysis`` command line (``salesanalysis.cli:main``, also ``python -m salesanalysis``).

``app.py`` holds the global options, the entry point and the intake-to-report commands; each
later stage's commands live in a module of their own that registers them on ``app`` when
imported below.
"""

from salesanalysis.cli.app import app, main

# Command modules (each registers its commands on ``app``):

__all__ = ["app", "main"]
