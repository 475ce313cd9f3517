"""``python -m salesanalysis`` runs the CLI."""

from .cli import main

main()
