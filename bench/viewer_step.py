"""The viewer's step in Chromium: from pressing → to the next photo painted.

Run: ``python -m bench.viewer_step`` (part of ``make bench``). Options: ``--steps N``.

A folder of real photos (the shared test data's phone and camera JPEGs, each again in other
bytes until there are enough; made ones without the test data) is imported with ``rdrive
import`` and served by ``reflex run`` (the development build, as ``make run``). The viewer
opens on the first tile; before each → a moment passes (as a person looks at a photo: the
neighbours' previews are fetched and decoded meanwhile), then:

* painted: from the key's event until the first frame drawn after the picture shows a new,
  loaded image — the neighbour decoded ahead (assets/rdrive_preload.js);
* answered: from the key until the server's answer names the next item (the stage's
  ``data-rdrive-item``), which is what a step would wait for without the preload.

Goal: painted at most 100 ms (median); the detail gives the max and the answer's median.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from bench.common import Figure, add_bench_user, at_most, report
from bench.first_paint import (
    CHROMIUM,
    FOLDER,
    ROOT,
    VIEWPORT,
    _sign_in,
    bench_env,
    make_photos,
    running_app,
)

REAL = ROOT.parent / "shared" / "testdata" / "media" / "photos"
REAL_PHOTOS = ("mobile/jolla.jpg", "hdr/iphone_hdr_YES.jpg", "gps/DSCN0010.jpg",
               "gps/DSCN0021.jpg", "Canon_40D.jpg", "Nikon_D70.jpg")  # fmt: skip

# Stamps, for each → pressed, when the new picture was painted and when the server answered.
STEP_TIMER = """() => {
  window.rdriveSteps = [];
  document.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowRight") return;
    const t0 = performance.now();
    const picture = () => document.querySelector("[data-rdrive-viewer] img[data-rdrive-picture]");
    const stage = () => document.querySelector("[data-rdrive-stage]");
    const before = picture().src;
    const item = stage().dataset.rdriveItem;
    const step = { painted: null, answered: null };
    window.rdriveSteps.push(step);
    const check = () => {
      const p = picture();
      if (step.painted === null && p && p.src !== before && p.complete && p.naturalWidth) {
        step.painted = -1;
        requestAnimationFrame(() => { step.painted = performance.now() - t0; });
      }
      if (step.answered === null && stage() && stage().dataset.rdriveItem !== item) {
        step.answered = performance.now() - t0;
      }
      if ((step.painted === null || step.answered === null) && performance.now() - t0 < 15000) {
        requestAnimationFrame(check);
      }
    };
    requestAnimationFrame(check);
  }, true);
}"""


def _photos(folder: Path, count: int) -> None:
    """Real photos, each under a few names, until ``count``; made ones without the test data."""
    if not REAL.is_dir():
        make_photos(folder, count)
        return
    folder.mkdir(parents=True)
    for n in range(count):
        source = REAL / REAL_PHOTOS[n % len(REAL_PHOTOS)]
        target = folder / f"{n:02d}-{source.name}"
        if n < len(REAL_PHOTOS):
            shutil.copy(source, target)
        else:  # the same picture in other bytes: the import keeps one copy of a file
            with Image.open(source) as im:
                im.save(target, "JPEG", quality=90 - n, exif=im.info.get("exif", b""))


def measure(site: str, steps: int) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_context(viewport=VIEWPORT).new_page()
        _sign_in(page, site)
        page.goto(f"{site}/folder/{FOLDER}")
        page.evaluate(STEP_TIMER)
        page.get_by_role("img", name=re.compile(r"\.jpg$")).first.wait_for(timeout=120_000)
        page.get_by_role("button", name=re.compile(r"^\S+\.jpg$")).first.click()
        page.locator("[data-rdrive-viewer] img[data-rdrive-picture]").wait_for()
        for n in range(steps):
            page.wait_for_function(
                "(() => { const i = document.querySelector('img[data-rdrive-preload=\"next\"]');"
                " return i && i.complete && i.naturalWidth > 0; })()"
            )
            page.wait_for_timeout(300)  # looking at the photo a moment
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                f"window.rdriveSteps[{n}] && window.rdriveSteps[{n}].painted > 0"
                f" && window.rdriveSteps[{n}].answered !== null"
            )
        found = page.evaluate("window.rdriveSteps")
        browser.close()
    return found


def run(steps: int = 12) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="rdrive-bench-step-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        env = bench_env(data_dir, 0, 0)
        add_bench_user(env)
        _photos(Path(tmp) / "import" / FOLDER, steps + 2)
        subprocess.run(
            [sys.executable, "-m", "rdrive_app", "import", str(Path(tmp) / "import")],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        with running_app(data_dir, "dev") as (site, _api):
            found = measure(site, steps)
    painted = [s["painted"] for s in found]
    answered = [s["answered"] for s in found]
    print(f"    painted (ms): {[round(ms) for ms in painted]}", flush=True)
    print(f"    answered (ms): {[round(ms) for ms in answered]}", flush=True)
    median = statistics.median(painted)
    return [
        at_most(
            "viewer step, → to next photo painted (ms)", median, 100.0,
            f"median of {steps}, max {max(painted):.0f} ms; the server's answer "
            f"{statistics.median(answered):.0f} ms",
        )
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=12)
    args = parser.parse_args(argv)
    return report(run(args.steps))


if __name__ == "__main__":
    raise SystemExit(main())
