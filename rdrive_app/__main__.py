"""``python -m rdrive_app`` runs the ``rdrive`` command."""

from rdrive_app.entrypoints.cli import main

main()
