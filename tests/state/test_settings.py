"""The Settings page's sessions: listed with this one first, ended one by one or all but this
one, and an ended browser sent to sign-in on its next event, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import rdrive_app.ui.state.settings  # noqa: F401  (registers the state)
from rdrive_app.ui.state.places import PlacesState
from rdrive_app.ui.state.settings import SettingsState, ago
from tests.state.test_handlers_work import run, signed_in


@pytest.fixture
def services(services_on_both):
    """A fresh library with alice in it, on each backend."""
    return services_on_both


def _redirects_to_sign_in(out: list[object]) -> bool:
    return any("/signin" in str(getattr(o, "args", "")) for o in out)


def test_sessions_listed_ended_and_the_ended_browser_signed_out(services):
    laptop = signed_in(SettingsState, services, "/settings")
    phone = signed_in(PlacesState, services, "/places")
    run(SettingsState.load_settings.fn, laptop)
    assert laptop.error == ""
    assert [row.current for row in laptop.sessions] == [True, False]
    assert laptop.sessions[0].detail.endswith("signed in just now · active now")
    other = laptop.sessions[1].id

    run(SettingsState.end_session.fn, laptop, other)
    assert [row.current for row in laptop.sessions] == [True]
    out = run(PlacesState.load_places.fn, phone)
    assert _redirects_to_sign_in(out) and phone.username == ""

    run(SettingsState.end_session.fn, laptop, "no-such-session")
    assert laptop.error == "no such session"
    run(SettingsState.end_session.fn, laptop, {"not": "text"})
    assert laptop.error == "no such session"


def test_end_all_others_and_end_this_one(services):
    tablet = signed_in(PlacesState, services, "/places")
    laptop = signed_in(SettingsState, services, "/settings")
    run(SettingsState.end_other_sessions.fn, laptop)
    assert [row.current for row in laptop.sessions] == [True]
    assert _redirects_to_sign_in(run(PlacesState.load_places.fn, tablet))

    out = run(SettingsState.end_session.fn, laptop, laptop.sessions[0].id)
    assert out  # the page signs out
    assert _redirects_to_sign_in(run(SettingsState.load_settings.fn, laptop))


def test_ago_reads_like_a_person_would_say_it():
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert ago(now - timedelta(seconds=30), now) == "just now"
    assert ago(now - timedelta(minutes=5), now) == "5 min ago"
    assert ago(now - timedelta(hours=3), now) == "3 h ago"
    assert ago(now - timedelta(days=1), now) == "1 day ago"
    assert ago(now - timedelta(days=4), now) == "4 days ago"
    assert ago(now - timedelta(days=40), now) == "23 Oct 2026"
    assert ago(now + timedelta(minutes=5), now) == "just now"  # a clock a little ahead
