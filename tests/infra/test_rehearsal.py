"""The deployment, rehearsed: Chromium talks to a stand-in for the stack's CloudFront distribution
only (built from the synthesized template, tests/infra/rehearsal/), which serves the `make export`
site and routes the backend paths to the backend started with the Dockerfile's command on the aws
backend against moto's server; uploads go straight to the media bucket by presigned URLs, and
processing runs from the bucket's events through the queue in the Lambda's stand-in.

Any CSP violation, console error, page error or failed request fails the test.
"""

from __future__ import annotations

import io
import shutil
import time
import zipfile
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.infra.conftest import Exported, Synthesized
from tests.infra.rehearsal.stack import PASSWORD, Rehearsal, rehearse

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="Chromium: `make test`")

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "media"
PHOTOS = [
    MEDIA / "photos" / "Canon_40D.jpg",
    MEDIA / "photos" / "gps" / "DSCN0010.jpg",
    MEDIA / "photos" / "orientation" / "portrait_6.jpg",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


def big_video(path: Path, seconds: int = 6) -> Path:
    """A playable H.264 MP4 of noise, big enough (>10 MiB) to go in parts; index at the front."""
    import random

    import av

    rng = random.Random(7)
    with av.open(str(path), "w", options={"movflags": "faststart"}) as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv420p"
        stream.bit_rate = 16_000_000
        stream.codec_context.time_base = Fraction(1, 25)
        for i in range(seconds * 25):
            frame = av.VideoFrame(640, 360, "yuv420p")
            for plane in frame.planes:
                plane.update(rng.randbytes(plane.buffer_size))
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    assert path.stat().st_size > 10 * 1024 * 1024, path.stat().st_size
    return path


@pytest.fixture(scope="module")
def rehearsal(
    synth: Synthesized,
    exported: Exported,
    moto_endpoint: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Rehearsal]:
    work = tmp_path_factory.mktemp("rehearsal")
    with rehearse(synth.template, exported.site_dir, exported.site, moto_endpoint, work) as r:
        for name in ("alice", "bob"):
            made = r.rdrive("users", "add", name, "--password-stdin", stdin=PASSWORD + "\n")
            assert made.returncode == 0, made.stderr
        yield r


class Watch:
    """Everything a page reports that a deployed site must never show."""

    def __init__(self, page: Any) -> None:
        self.problems: list[str] = []
        page.add_init_script(
            "window.__csp = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type == "error" or "Content Security Policy" in m.text
                else None
            ),
        )
        # A download navigation ends as "aborted" in Chromium once it becomes a download.
        self.downloads: set[str] = set()
        page.on("download", lambda d: self.downloads.add(d.url))
        page.on("requestfailed", self._failed)
        page.on(
            "response",
            lambda r: (
                self.problems.append(f"HTTP {r.status}: {r.request.method} {r.url}")
                if r.status >= 400
                else None
            ),
        )
        self.page = page

    def _failed(self, request: Any) -> None:
        if request.resource_type == "media" and request.failure == "net::ERR_ABORTED":
            return  # a <video> cancels its ranged reads when it seeks: not a failure
        self.problems.append(f"request failed: {request.method} {request.url} {request.failure}")

    def check(self) -> None:
        self.problems = [
            p
            for p in self.problems
            if not (p.startswith("request failed") and p.split()[3] in self.downloads)
        ]
        violations = self.page.evaluate("window.__csp || []")
        assert not violations and not self.problems, [*violations, *self.problems]


def test_the_core_loop_runs_through_the_distribution(rehearsal: Rehearsal, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.e2e.test_library import new_folder, sign_in

    video = big_video(tmp_path / "holiday.mp4")
    user = type("User", (), {"username": "alice", "password": PASSWORD})
    started = time.monotonic()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"],
        )
        context = browser.new_context(
            base_url=rehearsal.site, viewport={"width": 1280, "height": 860}, accept_downloads=True
        )
        context.set_default_timeout(30_000)
        page = context.new_page()
        watch = Watch(page)
        try:
            sign_in(page, user)
            new_folder(page, "Holiday")
            new_folder(page, "Archive")
            # A bookmarked folder URL, opened directly.
            page.goto("/folder/Holiday")
            expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("Holiday")

            page.get_by_label("Upload").set_input_files([*map(str, PHOTOS), str(video)])
            expect(page.get_by_text("4 of 4 uploaded")).to_be_visible(timeout=120_000)
            for path in PHOTOS:
                expect(page.get_by_role("img", name=path.name)).to_be_visible(timeout=90_000)
            loaded = page.evaluate(
                "[...document.querySelectorAll('img')]"
                ".filter(i => i.complete && i.naturalWidth > 0).map(i => i.currentSrc)"
            )
            assert sum(rehearsal.bucket in src for src in loaded) >= len(PHOTOS), loaded
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "rehearsal-grid.png"), full_page=True)

            # Viewer, and one download.
            page.get_by_role("button", name="Canon_40D.jpg", exact=True).click()
            dialog = page.get_by_role("dialog")
            expect(dialog.get_by_role("img", name="Canon_40D.jpg")).to_be_visible()
            with page.expect_download() as info:
                dialog.get_by_role("button", name="Download").click()
            assert Path(info.value.path()).read_bytes() == PHOTOS[0].read_bytes()
            page.keyboard.press("Escape")
            expect(page.get_by_role("dialog")).to_have_count(0)

            # The big video plays and seeks.
            page.get_by_role("button", name=video.name, exact=True).click()
            expect(page.locator("#rdrive-video")).to_be_visible()
            page.wait_for_function(
                "() => document.querySelector('#rdrive-video').readyState >= 2", timeout=60_000
            )
            page.evaluate("""() => new Promise((resolve) => {
                const v = document.querySelector('#rdrive-video');
                v.muted = true;
                v.addEventListener('seeked', () => resolve(), {once: true});
                v.currentTime = 4;
            })""")
            assert page.evaluate("document.querySelector('#rdrive-video').currentTime") >= 4
            page.screenshot(path=str(SCREENSHOTS / "rehearsal-video.png"))
            page.keyboard.press("Escape")

            # A ZIP of the three photos.
            for path in PHOTOS:
                page.get_by_role("checkbox", name=f"Select {path.name}").click()
            with page.expect_download() as info:
                page.get_by_role("toolbar", name="Selection").get_by_role(
                    "button", name="Download"
                ).click()
            with zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())) as archive:
                assert sorted(archive.namelist()) == sorted(p.name for p in PHOTOS)
            page.get_by_role("toolbar", name="Selection").get_by_role(
                "button", name="Clear"
            ).click()

            # Rename, move, trash and restore.
            page.get_by_role("checkbox", name="Select portrait_6.jpg").click()
            page.get_by_role("button", name="Rename").click()
            page.get_by_label("New name").fill("Beach.jpg")
            page.get_by_role("button", name="Save").click()
            expect(page.get_by_role("button", name="Beach.jpg", exact=True)).to_be_visible()
            page.get_by_role("button", name="Move", exact=True).click()
            page.get_by_role("button", name="Up one folder").click()
            page.get_by_role("button", name="Open folder Archive").click()
            page.get_by_role("button", name="Move here").click()
            expect(page.get_by_role("button", name="Beach.jpg", exact=True)).to_have_count(0)
            page.get_by_role("checkbox", name="Select DSCN0010.jpg").click()
            page.get_by_role("button", name="Delete").click()
            expect(page.get_by_text("Moved 1 item to the trash.")).to_be_visible()
            page.get_by_role("link", name="Trash").click()
            row = page.get_by_role("listitem", name="DSCN0010.jpg")
            row.get_by_role("button", name="Restore", exact=True).click()
            expect(page.get_by_text("The trash is empty.")).to_be_visible()
            page.goto("/folder/Archive")
            expect(page.get_by_role("button", name="Beach.jpg", exact=True)).to_be_visible()
            page.get_by_role("button", name="Sign out").click()
            expect(page.get_by_label("Password")).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "rehearsal-signed-out.png"))
            seconds = time.monotonic() - started
            watch.check()
        finally:
            print("\n".join(watch.problems[:40]))
            print([e for e in rehearsal.standin.exchanges if e.status >= 400])
            page.screenshot(path=str(SCREENSHOTS / "rehearsal-final.png"), full_page=True)
            browser.close()
    print(f"rehearsal core loop: {seconds:.1f} s")
    # The issue asks for under three minutes: reported, not asserted (timings are not tests here).


def test_strangers_cannot_lock_the_users_out_through_the_distribution(
    rehearsal: Rehearsal,
) -> None:
    """200 wrong passwords from 50 addresses against both names, each request forging the
    header CloudFront sets: the attackers' addresses are held (429, Retry-After) while the real
    user, on the device they signed in from before, signs in at once."""
    from playwright.sync_api import expect, sync_playwright

    from tests.e2e.test_library import sign_in

    user = type("User", (), {"username": "alice", "password": PASSWORD})
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"],
        )
        context = browser.new_context(base_url=rehearsal.site)
        context.set_default_timeout(30_000)
        page = context.new_page()
        sign_in(page, user)  # the user's own device, once before the attack
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_label("Password")).to_be_visible()

        answers: list[httpx.Response] = []
        clients = [
            httpx.Client(
                base_url=rehearsal.site,
                transport=httpx.HTTPTransport(local_address=f"127.0.0.{2 + n}"),
                timeout=30,
            )
            for n in range(50)
        ]
        for i in range(200):
            answers.append(
                clients[i % 50].post(
                    "/api/auth/login",
                    json={"username": ("alice", "bob")[i % 2], "password": f"guess {i}"},
                    headers={"CloudFront-Viewer-Address": "203.0.113.9:443"},  # forged
                )
            )
        assert {a.status_code for a in answers} <= {401, 429}, {a.status_code for a in answers}
        # Now every attacker address is held, whichever name it tries next.
        again = [
            client.post(
                "/api/auth/login",
                json={"username": ("alice", "bob")[n % 2], "password": "one more"},
            )
            for n, client in enumerate(clients)
        ]
        for client in clients:
            client.close()
        held = [a for a in [*answers, *again] if a.status_code == 429]
        assert [a.status_code for a in again] == [429] * len(clients), [
            a.status_code for a in again
        ]
        assert all(int(a.headers["Retry-After"]) > 0 for a in held)

        started = time.monotonic()
        sign_in(page, user)
        seconds = time.monotonic() - started
        browser.close()
    print(f"{len(held)} of 250 guesses held (429); the user signed in in {seconds:.1f} s")
