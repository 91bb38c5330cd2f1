"""``python -m rdrive_app`` runs the ``rdrive`` command."""

from rdrive_app.cli import main

main()
