"""Developer tools (not part of the app): ``python -m tools.audit`` is ``make audit``."""
