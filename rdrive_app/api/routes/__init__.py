"""Thin route modules: parse, call a service, shape the answer."""
