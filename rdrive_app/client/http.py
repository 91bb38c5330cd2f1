"""A small client of rDrive's HTTP API, for `rdrive import --url` against a running rDrive.

It is the import target over HTTP: the same upload routes a script would use, with the bytes
going to the URLs the server signs (S3, or the app's own file routes). The bearer token never
leaves for those URLs: they get a client of their own.
"""

from __future__ import annotations

from typing import Any

import httpx

from rdrive_app.auth.app_password_tokens import parse_app_password
from rdrive_app.client.importer import LibraryEntry, LocalFile
from rdrive_app.client.part_sender import HttpSink, SendPlan
from rdrive_app.core.errors import RDriveError

TIMEOUT = httpx.Timeout(120.0, connect=10.0)
LIST_PAGE = 200


class ApiError(RDriveError):
    """The server said no; ``status_code`` is its HTTP status, ``detail`` its reason."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code


def _detail(resp: httpx.Response) -> str:
    try:
        detail = resp.json().get("detail")
    except ValueError:
        return resp.text[:200] or resp.reason_phrase
    return detail if isinstance(detail, str) else str(detail)[:300]


class RDriveClient:
    """Authenticated calls to ``{base_url}/api/...``; errors raise ApiError."""

    def __init__(self, base_url: str, token: str, client: httpx.Client | None = None) -> None:
        self._client = client or httpx.Client(timeout=TIMEOUT)
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}

    @staticmethod
    def login(
        base_url: str, username: str, password: str, client: httpx.Client | None = None
    ) -> str:
        """An access token for this account: an app password is one itself (and the only
        way in for an account with two-factor codes)."""
        if parse_app_password(password) is not None:
            return password.strip()
        http = client or httpx.Client(timeout=TIMEOUT)
        try:
            resp = http.post(
                f"{base_url.rstrip('/')}/api/auth/login",
                json={"username": username, "password": password},
            )
        except httpx.TransportError as exc:
            raise ApiError(0, f"cannot reach {base_url}: {exc}") from None
        if resp.status_code != 200:
            raise ApiError(resp.status_code, _detail(resp))
        body = resp.json()
        if body.get("second_factor_required"):
            raise ApiError(
                401,
                f"{username} signs in with a second factor, which a script cannot give; "
                "make a read-write app password in Settings and give it as the password "
                "(or as RDRIVE_TOKEN)",
            )
        return str(body["access_token"])

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            resp = self._client.request(
                method, f"{self._base}{path}", headers=self._headers, **kwargs
            )
        except httpx.TransportError as exc:
            raise ApiError(0, f"cannot reach {self._base}: {exc}") from None
        if resp.status_code >= 400:
            raise ApiError(resp.status_code, _detail(resp))
        return resp.json() if resp.content else None


class HttpTarget:
    """The import target over HTTP."""

    def __init__(self, api: RDriveClient, sink: HttpSink | None = None) -> None:
        self._api = api
        self.sink = sink or HttpSink()

    def ensure_folder(self, path: str) -> None:
        try:
            self._api.call("GET", "/api/folders", params={"path": path})
            return
        except ApiError as exc:
            if exc.status_code != 404:
                raise
        parent = path.rsplit("/", 1)[0] or "/"
        if parent != "/":
            self.ensure_folder(parent)
        try:
            self._api.call("POST", "/api/folders", json={"path": path})
        except ApiError as exc:
            if exc.status_code != 409:  # made meanwhile
                raise

    def folder_entries(self, path: str) -> list[LibraryEntry]:
        entries: list[LibraryEntry] = []
        cursor = None
        while True:
            params = {"folder": path, "limit": LIST_PAGE, **({"cursor": cursor} if cursor else {})}
            try:
                page = self._api.call("GET", "/api/media", params=params)
            except ApiError as exc:
                if exc.status_code == 404:
                    return []
                raise
            entries += [
                LibraryEntry(i["name"], i["size"], i["status"], i.get("sha256"))
                for i in page["items"]
            ]
            cursor = page.get("next_cursor")
            if not cursor:
                return entries

    def existing_sha256(self, hashes: list[str]) -> set[str]:
        body = self._api.call("POST", "/api/media/exists", json={"sha256": hashes})
        return set(body["existing"])

    def start(self, file: LocalFile) -> SendPlan:
        t = self._api.call(
            "POST",
            "/api/uploads",
            json={
                "folder": file.folder,
                "name": file.name,
                "size": file.size,
                "content_type": file.content_type,
                "fingerprint": file.fingerprint,
            },
        )
        return SendPlan(
            item_id=t["item"]["id"],
            name=t["item"]["name"],
            size=t["item"]["size"],
            multipart=t["multipart"],
            url=t["upload_url"],
            headers=t["headers"],
            part_size=t["part_size"],
            part_count=t["part_count"],
            done_parts=t["done_parts"],
        )

    def sign_parts(self, item_id: str, numbers: list[int]) -> dict[int, str]:
        body = self._api.call("POST", f"/api/uploads/{item_id}/parts", json={"numbers": numbers})
        return {int(n): url for n, url in body["urls"].items()}

    def complete(self, item_id: str) -> None:
        self._api.call("POST", f"/api/uploads/{item_id}/complete")

    def finish(self) -> None:
        """The server processes what arrived on its own; nothing to wait for."""
