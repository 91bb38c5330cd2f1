"""The Photos timeline in Chromium: a few hundred photos over three years, grouped by day under
months in justified rows; the scrubber jumps (click and drag) and the URL follows, reload and
Back return; the grid scrolls both ways; the viewer steps across days; and after scrolling
through 10 000 items the DOM and the state the browser gets stay bounded."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.core.settings import Settings
from rdrive_app.storage import build_storage
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_library import sign_in
from tests.timeline_photos import spread, write_photos

PER_DAY = 3
NEWEST = datetime(2024, 6, 15, 18, 0)  # a Saturday
# 300 photos, three a day every 11th day: June 2024 back to mid-2021.
TIMES = spread(NEWEST, 300, days=11, per_day=PER_DAY)
BULK = int(os.environ.get("RDRIVE_E2E_TIMELINE_ITEMS", "10000"))
TILES = "button[aria-label$='.jpg']:not(.rdrive-heart)"  # a tile, not its heart


def shot(page: Page, name: str) -> None:
    """The viewport (a full-page picture of a window-scrolled virtual list shows mostly space)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def open_photos(page: Page) -> None:
    page.get_by_role("link", name="Photos").click()
    expect(page.get_by_role("heading", name="Photos")).to_be_visible()


def scrub(page: Page, month_label: str) -> None:
    """Press a month on the scrubber until the address names it: a press in the moment the
    page mounts its grid is sometimes not taken up on a busy machine (a person presses again)."""
    month = datetime.strptime(month_label, "%B %Y").strftime("%Y-%m")
    button = page.get_by_role("navigation", name="Timeline scrubber").get_by_role(
        "button", name=month_label, exact=True
    )
    for _ in range(3):
        button.click()
        try:
            page.wait_for_url(re.compile(rf"month={month}$"), timeout=8_000)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"the scrubber did not go to {month_label}")


def top_day(page: Page) -> str:
    """The day of the first section in view under the top bar (waiting, up to 5 s, while the
    grid swaps the sections near the view after a scroll: for a frame there may be none)."""
    return page.wait_for_function(
        """() => {
          const s = [...document.querySelectorAll("section[data-rdrive-day]")]
            .find((e) => e.getBoundingClientRect().bottom > 120);
          return s ? s.dataset.rdriveDay : "";
        }""",
        timeout=5_000,
    ).json_value()


def test_days_months_scrubber_url_and_viewer(page: Page, app_server, tmp_path):
    made = write_photos(tmp_path / "Years", TIMES, "tl")
    done = app_server.rdrive("import", str(tmp_path), "--folder", "/")
    assert done.returncode == 0, done.stdout + done.stderr
    sign_in(page, app_server)
    open_photos(page)

    scrub(page, "June 2024")
    expect(page).to_have_url(re.compile(r"/photos\?month=2024-06$"))
    expect(page.get_by_role("heading", name="June 2024")).to_be_visible()
    day = page.get_by_role("group", name="Sat 15 Jun")
    for name, _ in made[:PER_DAY]:
        expect(day.get_by_role("button", name=name, exact=True)).to_be_visible()
    expect(day.get_by_role("img", name="tl0000.jpg")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("group", name="Tue 4 Jun").locator(TILES)).to_have_count(3)
    # Justified rows keep each photo's shape: 48×32, 32×48 (SHAPES in timeline_photos).
    wide = day.get_by_role("button", name="tl0000.jpg", exact=True).bounding_box()
    tall = day.get_by_role("button", name="tl0001.jpg", exact=True).bounding_box()
    assert wide and tall and abs(wide["height"] - tall["height"]) < 2
    assert abs(wide["width"] / wide["height"] - 1.5) < 0.05
    assert abs(tall["width"] / tall["height"] - 2 / 3) < 0.05
    shot(page, "60-timeline-june-2024")

    scrub(page, "March 2022")  # a click on the scrubber
    expect(page).to_have_url(re.compile(r"month=2022-03$"))
    expect(page.get_by_role("heading", name="March 2022")).to_be_in_viewport()
    assert top_day(page).startswith("2022-03"), top_day(page)
    shot(page, "61-timeline-jump-march-2022")

    bar = page.get_by_role("navigation", name="Timeline scrubber")
    start = bar.get_by_role("button", name="March 2022").bounding_box()
    end = bar.get_by_role("button", name="January 2023").bounding_box()
    assert start and end
    page.mouse.move(start["x"] + 20, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + 20, end["y"] + end["height"] / 2, steps=8)
    expect(bar.get_by_role("status")).to_have_text("January 2023")  # where a release lands
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"month=2023-01$"))
    expect(page.get_by_role("heading", name="January 2023")).to_be_in_viewport()

    page.reload()
    expect(page.get_by_role("heading", name="January 2023")).to_be_in_viewport()
    page.go_back()
    expect(page).to_have_url(re.compile(r"month=2022-03$"))
    expect(page.get_by_role("heading", name="March 2022")).to_be_in_viewport()

    for _ in range(40):  # scrolling up loads the newer months above, the view stays put
        page.mouse.wheel(0, -1200)
        page.wait_for_timeout(150)
        if page.get_by_role("heading", name="June 2022").is_visible():
            break
    expect(page.get_by_role("heading", name="June 2022")).to_be_visible()
    assert top_day(page) >= "2022-04", top_day(page)

    # The viewer steps across days: the last photo of a day, then → is the day before's first.
    last_of_day = next(n for n, (_, t) in enumerate(made) if t.strftime("%Y-%m") == "2022-05")
    last_of_day += PER_DAY - 1 - last_of_day % PER_DAY
    name, taken = made[last_of_day]
    tile = page.get_by_role("button", name=name, exact=True)
    for _ in range(40):  # the grid keeps only the sections near the view: scroll down to it
        if tile.count():
            break
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(150)
    tile.click()
    viewer = page.get_by_role("dialog")
    expect(viewer.get_by_role("img", name=name)).to_be_visible()
    page.keyboard.press("ArrowRight")
    following, before = made[last_of_day + 1]
    assert before.date() < taken.date()
    expect(viewer.get_by_role("img", name=following)).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(viewer.get_by_role("img", name=name)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    page.get_by_role("checkbox", name=f"Select {name}").click()
    page.get_by_role("checkbox", name=f"Select {following}").click()
    expect(page.get_by_text("2 selected")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("toolbar", name="Selection").get_by_role("button", name="Download").click()
    assert download.value.suggested_filename.endswith(".zip")
    shot(page, "62-timeline-selected")


def _seed_bulk(app_server) -> None:
    """``BULK`` items straight into the app's catalog (no files: tiles show their type), ten a
    day from the end of 2009 backwards, older than everything else in the library."""
    catalog = build_storage(Settings(data_dir=app_server.data_dir)).catalog
    catalog.create_folder("/Bulk")
    top = datetime(2009, 12, 31, 20, 0, tzinfo=UTC)
    for n in range(BULK):
        catalog.add_item(
            MediaItem(
                id=new_id(),
                folder="/Bulk",
                name=f"bk{n:05d}.jpg",
                kind=Kind.IMAGE,
                content_type="image/jpeg",
                size=10,
                uploaded_by="alice",
                status=Status.READY,
                taken_at=top - timedelta(hours=2.4 * n),
                width=(3, 4, 2)[n % 3] * 10,
                height=30,
            )
        )


def test_scrolling_through_ten_thousand_items_stays_bounded(page: Page, app_server):
    _seed_bulk(app_server)
    frames: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(len(f))))
    sign_in(page, app_server)
    open_photos(page)
    scrub(page, "December 2009")
    expect(page.get_by_role("button", name="bk00000.jpg", exact=True)).to_be_visible()
    most_tiles = 0
    last = f"bk{BULK - 1:05d}.jpg"
    for _ in range(BULK // 20):
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_timeout(120)
        most_tiles = max(most_tiles, page.locator(TILES).count())
        if page.get_by_role("button", name=last, exact=True).count():
            break
    expect(page.get_by_role("button", name=last, exact=True)).to_be_visible()
    shot(page, "63-timeline-oldest-of-bulk")
    print(f"\n{BULK} items: at most {most_tiles} tiles in the DOM, largest frame {max(frames)} B")
    assert most_tiles < 400
    assert max(frames) < 1_000_000
