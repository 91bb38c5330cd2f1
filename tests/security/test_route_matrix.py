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
from tests.security.routes import DOCS, PUBLIC, ApiRoute, build_request, local_route_table
from tests.security.support import Seeded, Sessions, snapshot

ROUTES, PLAIN_ROUTES = local_route_table()
PROTECTED = [r for r in ROUTES if r.label not in PUBLIC]


def test_only_the_allowlisted_routes_are_public() -> None:
    labels = {r.label for r in ROUTES}
    assert set(PUBLIC) <= labels, "PUBLIC names a route that no longer exists"
    assert PLAIN_ROUTES <= DOCS, f"unexpected non-API routes: {PLAIN_ROUTES - DOCS}"
    assert len(PROTECTED) >= 20


def test_protected_routes_depend_on_the_current_session() -> None:
    """Belt and braces: the dependency is declared, not only behaving right today."""

    def calls(dependant) -> set[str]:
        found = {getattr(dependant.call, "__name__", "")}
        for sub in dependant.dependencies:
            found |= calls(sub)
        return found

    missing = [r.label for r in PROTECTED if "current_session" not in calls(r.dependant)]
    assert missing == []


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
