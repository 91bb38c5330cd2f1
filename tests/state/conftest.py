"""Fixtures for the state tests that run on both backends."""

from __future__ import annotations

import pytest

from rdrive_app.services.wiring import build_services
from rdrive_app.ui.state import session as session_state
from tests.api.conftest import settings_for


@pytest.fixture
def services_on_both(storage_settings, storage, monkeypatch):
    """A fresh library with alice in it, on each backend (aws: on moto), as the states see it
    (``ui.state.session.services()``)."""
    built = build_services(settings_for(storage_settings))
    built.accounts.add_user("alice", "alice password")
    monkeypatch.setattr(session_state, "get_services", lambda: built)
    yield built
    built.processing.shutdown(wait=False)
