"""The ``salesanalysis`` command line (``salesanalysis.cli:main``, also ``python -m salesanalysis``).

``app.py`` holds the global options, the entry point and the intake-to-report commands; each
later stage's commands live in a module of their own that registers them on ``app`` when
imported below.
"""

# Command modules (each registers its commands on ``app``):
from salesanalysis.cli import export as _export  # noqa: F401, E402
from salesanalysis.cli import personas as _personas  # noqa: F401, E402
from salesanalysis.cli import playbook as _playbook  # noqa: F401, E402
from salesanalysis.cli import schedule as _schedule  # noqa: F401, E402
from salesanalysis.cli.app import app, main

__all__ = ["app", "main"]
