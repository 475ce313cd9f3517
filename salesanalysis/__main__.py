"""``python -m salesanalysis`` runs the CLI."""

from salesanalysis.cli.app import main

main()
