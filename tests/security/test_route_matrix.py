"""Every route of the HTTP API refuses every kind of bad token, and nothing leaks or changes.

The routes come from the app's own route table, so a new route is in this matrix the moment it
exists. Each is sent a request that would do something real (a valid-token control call at the
end proves it), once per bad token: the answer is a bare 401, and the catalog and blob store are
exactly as before (a snapshot of everything stored, compared after the eight attempts). Runs on
both backends.
"""

from __future__ import annotations

import pytest

from rdrive_app.services.wiring import Services
from tests.security.routes import DOCS, MOUNTS, PUBLIC, ApiRoute, build_request, local_route_table
from tests.security.support import Seeded, Sessions, snapshot

ROUTES, PLAIN_ROUTES = local_route_table()
PROTECTED = [r for r in ROUTES if r.label not in PUBLIC]


def test_only_the_allowlisted_routes_are_public() -> None:
    labels = {r.label for r in ROUTES}
    assert set(PUBLIC) <= labels, "PUBLIC names a route that no longer exists"
    unexpected = PLAIN_ROUTES - DOCS - set(MOUNTS)
    assert not unexpected, f"unexpected non-API routes: {unexpected}"
    assert len(PROTECTED) >= 20


def test_protected_routes_depend_on_the_current_session() -> None:
    """Belt and braces: the dependency is declared, not only behaving right today."""

    def calls(dependant) -> set[str]:
        found = {getattr(dependant.call, "__name__", "")}
        for sub in dependant.dependencies:
            found |= calls(sub)
        return found

    takes = {r.label: calls(r.dependant) for r in PROTECTED}
    missing = [
        label for label, found in takes.items() if not {"current_session", "current_user"} & found
    ]
    assert missing == []
    loose = [
        r.label for r in PROTECTED if _session_only(r) and "current_session" not in takes[r.label]
    ]
    assert loose == [], "the account's settings must take a signed-in session only"


# The account's own settings and signing out: a signed-in session only, never an app password.
SESSION_ONLY_PREFIXES = ("/api/sessions", "/api/account/", "/api/app-passwords", "/api/auth/")


def _session_only(route: ApiRoute) -> bool:
    return route.path.startswith(SESSION_ONLY_PREFIXES)


def _multipart_upload(services: Services) -> str | None:
    """An unfinished multipart upload to sign parts for, when the route table has that route."""
    if not any(r.path.endswith("/parts") for r in PROTECTED):
        return None
    size = services.settings.multipart_threshold_bytes + 1
    ticket = services.uploads.start("alice", "/trip", "big.mp4", size, "video/mp4")
    return ticket.item.id


def _send(api, request, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return api.request(
        request.method,
        request.url,
        params=request.params,
        json=request.json,
        files=request.files,
        headers=headers,
        follow_redirects=False,
    )


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: r.label)
def test_route_refuses_every_bad_token(
    route: ApiRoute, api, api_services: Services, sessions: Sessions, seeded: Seeded
) -> None:
    present = {r.label for r in _routes_of(api)}
    if route.label not in present:
        pytest.skip(f"{route.label} exists on the local backend only")
    request = build_request(route, seeded, _multipart_upload(api_services), api_services)
    secrets_in_view = {seeded.ready.id, seeded.ready.name, seeded.trashed.id, "/trip"}
    before = snapshot(api_services.storage)
    for label, token in sessions.bad.items():
        response = _send(api, request, token)
        assert response.status_code == 401, (label, response.status_code, response.text)
        assert response.headers.get("www-authenticate") == "Bearer", label
        assert "location" not in response.headers, label
        body = response.json()
        assert list(body) == ["detail"] and isinstance(body["detail"], str), (label, body)
        assert not any(s in response.text for s in secrets_in_view), (label, response.text)
    assert snapshot(api_services.storage) == before
    control = _send(api, request, sessions.valid)
    assert control.status_code < 400, (
        f"{route.label} with a valid token answered {control.status_code} {control.text}: "
        "give tests/security/routes.py a meaningful value for its parameters"
    )


def _routes_of(api) -> list[ApiRoute]:
    from tests.security.routes import route_table

    return route_table(api.app)[0]


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: r.label)
def test_route_with_app_passwords(
    route: ApiRoute, api, api_services: Services, seeded: Seeded, sessions: Sessions
) -> None:
    """A read-only app password reads the library (a read may fill a rendition cache) and is
    refused, changing nothing, on any write; a read-write one may change the library; neither
    opens the account's settings."""
    if route.label not in {r.label for r in _routes_of(api)}:
        pytest.skip(f"{route.label} exists on the local backend only")
    alice = api_services.storage.catalog.get_user("alice")
    made = api_services.accounts.app_passwords
    read, write = (made.create(alice, f"matrix {s}", s).password for s in ("read", "write"))
    request = build_request(route, seeded, _multipart_upload(api_services), api_services)
    reads = route.method in ("GET", "HEAD") and not _session_only(route)
    before = snapshot(api_services.storage)
    answer = _send(api, request, read)
    if reads:
        assert answer.status_code < 400, (route.label, answer.status_code, answer.text)
    else:
        expected = 401 if _session_only(route) else 403
        assert answer.status_code == expected, (route.label, answer.status_code, answer.text)
        assert list(answer.json()) == ["detail"]
        assert snapshot(api_services.storage) == before
    answer = _send(api, request, write)
    if _session_only(route):
        assert answer.status_code == 401, (route.label, answer.status_code, answer.text)
    else:
        assert answer.status_code < 400, (route.label, answer.status_code, answer.text)
