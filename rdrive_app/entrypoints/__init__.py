"""rdrive_app/entrypoints."""
