// rDrive's viewer gestures, on its stage ([data-rdrive-stage]): double-click or double-tap
// zooms to the original's resolution around the point (again: back to fit), a pinch, Ctrl/⌘ +
// wheel and the Zoom in / out buttons (+ −) zoom too, a drag pans while zoomed; on a touch
// screen a swipe left or right presses Next / Previous and a swipe down presses Close. The
// first zoom asks the state for the sharper image (the stage's on_double_click; a pinch, the
// wheel and the buttons ask with a dblclick of their own). The bars ([data-rdrive-bar]) fade
// while the mouse rests, and a tap shows or hides them.
(function () {
  "use strict";
  if (window.rdriveGestures) return;
  window.rdriveGestures = true;

  const MAX_ZOOM = 8;
  const SWIPE_PX = 60; // sideways, to step
  const CLOSE_PX = 90; // downwards, to close
  const TAP_MS = 300; // two taps within this: a double-tap
  const IDLE_MS = 2500; // the bars fade after the mouse rests this long

  let view = { s: 1, x: 0, y: 0 }; // the zoom: scale, then offset (px) from the top left
  let known = { stage: null, item: null }; // what the zoom is of
  let asked = null; // the item whose sharper image was asked for
  let lastType = "mouse";
  let gesture = null;
  let lastTap = null;
  let tapTimer = 0;
  let idleTimer = 0;
  const pointers = new Map();

  const stageOf = (node) => (node && node.closest ? node.closest("[data-rdrive-stage]") : null);
  const zoomable = (stage) => stage.querySelector("[data-rdrive-zoomable]");
  const viewerOf = (node) => node.closest("[data-rdrive-viewer]");
  const distance = (a, b) => Math.hypot(a.x - b.x, a.y - b.y);

  function press(stage, label) {
    const viewer = viewerOf(stage);
    const button = viewer && viewer.querySelector(`button[aria-label="${label}"]`);
    if (button && !button.disabled) button.click();
  }

  // The zoom belongs to one stage and item: any other starts fitted.
  function sync(stage) {
    if (stage && (stage !== known.stage || stage.dataset.rdriveItem !== known.item)) reset(stage);
    return stage;
  }

  function reset(stage) {
    view = { s: 1, x: 0, y: 0 };
    asked = null;
    known = { stage, item: stage ? stage.dataset.rdriveItem : null };
    const box = stage && zoomable(stage);
    if (box) {
      box.style.transition = "none";
      box.style.transform = "";
      box.style.opacity = "";
    }
    if (stage) stage.style.cursor = "";
  }

  function apply(stage, animate) {
    const box = zoomable(stage);
    if (!box) return;
    box.style.transition = animate ? "transform 0.2s ease-out" : "none";
    box.style.transform =
      view.s === 1 ? "" : `translate(${view.x}px, ${view.y}px) scale(${view.s})`;
    stage.style.cursor = view.s > 1 ? "grab" : "";
  }

  // The picture inside its box (object-fit: contain leaves bands): where it lies unzoomed.
  function picture(stage) {
    const w = stage.clientWidth;
    const h = stage.clientHeight;
    const img = stage.querySelector("img[data-rdrive-picture]");
    const ratio = img && img.naturalWidth ? img.naturalWidth / img.naturalHeight : w / h;
    const cw = Math.min(w, h * ratio);
    const ch = Math.min(h, w / ratio);
    return { w, h, cw, ch, ox: (w - cw) / 2, oy: (h - ch) / 2 };
  }

  // Keep the zoomed picture over the stage: centred along a side it does not fill.
  function clamp(stage) {
    const p = picture(stage);
    const fit = (offset, size, inner, start) =>
      inner * view.s <= size
        ? (size - inner * view.s) / 2 - start * view.s
        : Math.min(-start * view.s, Math.max(size - (start + inner) * view.s, offset));
    view.x = fit(view.x, p.w, p.cw, p.ox);
    view.y = fit(view.y, p.h, p.ch, p.oy);
  }

  function askSharper(stage) {
    if (asked === stage.dataset.rdriveItem) return;
    asked = stage.dataset.rdriveItem;
    stage.dispatchEvent(new MouseEvent("dblclick", { bubbles: true }));
  }

  function zoomTo(stage, scale, clientX, clientY, animate) {
    if (!zoomable(stage)) return; // a video or a plain file: nothing to zoom
    const s = Math.min(MAX_ZOOM, Math.max(1, scale));
    const rect = stage.getBoundingClientRect();
    const px = clientX - rect.left;
    const py = clientY - rect.top;
    const ux = (px - view.x) / view.s;
    const uy = (py - view.y) / view.s;
    view = { s, x: px - ux * s, y: py - uy * s };
    if (s === 1) view = { s: 1, x: 0, y: 0 };
    else clamp(stage);
    apply(stage, animate);
    if (s > 1) askSharper(stage);
  }

  // One pixel of the original to one pixel of the screen (at least twice the fit).
  function originalScale(stage) {
    const shown = picture(stage).cw;
    const original = Number(stage.dataset.rdriveZoomWidth) || 0;
    return Math.min(MAX_ZOOM, Math.max(2, original / shown));
  }

  function toggleZoom(stage, clientX, clientY) {
    zoomTo(stage, view.s > 1 ? 1 : originalScale(stage), clientX, clientY, true);
  }

  function centre(stage) {
    const rect = stage.getBoundingClientRect();
    return [rect.left + rect.width / 2, rect.top + rect.height / 2];
  }

  // The bars: faded while the mouse rests, shown or hidden by a tap.
  function showBars(viewer, on, touch) {
    for (const bar of viewer.querySelectorAll("[data-rdrive-bar]")) {
      bar.style.opacity = on ? "" : "0";
      bar.style.pointerEvents = on || !touch ? "" : "none";
    }
    viewer.dataset.rdriveBars = on ? "on" : "off";
  }

  function wake(viewer) {
    showBars(viewer, true, false);
    clearTimeout(idleTimer);
    if (!matchMedia("(hover: hover)").matches) return; // on a touch screen a tap decides
    idleTimer = setTimeout(() => {
      if (!viewer.isConnected) return;
      const held = viewer.querySelector("[data-rdrive-bar]:hover, [data-rdrive-bar]:focus-within");
      if (held || viewer.querySelector('[role="complementary"]:hover')) wake(viewer);
      else showBars(viewer, false, false);
    }, IDLE_MS);
  }

  function tapped(stage, event) {
    const near = lastTap && distance(lastTap, { x: event.clientX, y: event.clientY }) < 30;
    if (lastTap && near && event.timeStamp - lastTap.t < TAP_MS) {
      clearTimeout(tapTimer);
      lastTap = null;
      toggleZoom(stage, event.clientX, event.clientY);
      return;
    }
    lastTap = { t: event.timeStamp, x: event.clientX, y: event.clientY };
    clearTimeout(tapTimer);
    tapTimer = setTimeout(() => {
      lastTap = null;
      const viewer = viewerOf(stage);
      if (viewer) showBars(viewer, viewer.dataset.rdriveBars === "off", true);
    }, TAP_MS);
  }

  document.addEventListener("pointerdown", (event) => {
    lastType = event.pointerType;
    const stage = sync(stageOf(event.target));
    if (!stage || (event.pointerType === "mouse" && event.button !== 0)) return;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 2 && zoomable(stage)) {
      const [a, b] = [...pointers.values()];
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      gesture = { kind: "pinch", stage, d0: distance(a, b), s0: view.s, mid };
      return;
    }
    if (pointers.size > 1) return;
    const video = event.target.closest("video[controls]");
    const onControls = video && event.clientY > video.getBoundingClientRect().bottom - 56;
    let kind = null;
    if (view.s > 1) kind = "pan";
    else if (event.pointerType !== "mouse" && !onControls) kind = "swipe";
    gesture = {
      kind, stage, x0: event.clientX, y0: event.clientY, vx: view.x, vy: view.y, axis: null,
    };
    if (kind && stage.setPointerCapture) stage.setPointerCapture(event.pointerId);
  });

  document.addEventListener("pointermove", (event) => {
    if (!pointers.has(event.pointerId)) {
      const viewer = event.pointerType === "mouse" && document.querySelector("[data-rdrive-viewer]");
      if (viewer) wake(viewer);
      return;
    }
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (!gesture || !gesture.kind) return;
    const { stage } = gesture;
    if (gesture.kind === "pinch") {
      if (pointers.size < 2) return;
      const [a, b] = [...pointers.values()];
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      view.x += mid.x - gesture.mid.x;
      view.y += mid.y - gesture.mid.y;
      gesture.mid = mid;
      zoomTo(stage, (gesture.s0 * distance(a, b)) / gesture.d0, mid.x, mid.y, false);
      return;
    }
    const dx = event.clientX - gesture.x0;
    const dy = event.clientY - gesture.y0;
    if (gesture.kind === "pan") {
      view.x = gesture.vx + dx;
      view.y = gesture.vy + dy;
      clamp(stage);
      apply(stage, false);
      return;
    }
    if (!gesture.axis && Math.hypot(dx, dy) > 10) gesture.axis = Math.abs(dx) > Math.abs(dy) ? "x" : "y";
    const box = zoomable(stage);
    if (!box || !gesture.axis) return;
    box.style.transition = "none";
    if (gesture.axis === "x") box.style.transform = `translateX(${dx}px)`;
    else if (dy > 0) {
      box.style.transform = `translateY(${dy}px)`;
      box.style.opacity = String(Math.max(0.3, 1 - dy / 400));
    }
  });

  function ended(event, cancelled) {
    if (!pointers.delete(event.pointerId) || !gesture) return;
    const { stage } = gesture;
    if (gesture.kind === "pinch") {
      if (pointers.size > 0) return;
      if (view.s < 1.05) zoomTo(stage, 1, event.clientX, event.clientY, true);
      gesture = null;
      return;
    }
    const dx = event.clientX - gesture.x0;
    const dy = event.clientY - gesture.y0;
    const { kind, axis } = gesture;
    gesture = null;
    if (cancelled) {
      apply(stage, true);
      return;
    }
    if (kind === "swipe" && axis === "x" && Math.abs(dx) > SWIPE_PX) {
      reset(stage);
      press(stage, dx < 0 ? "Next" : "Previous");
    } else if (kind === "swipe" && axis === "y" && dy > CLOSE_PX) {
      reset(stage);
      press(stage, "Close");
    } else if (Math.hypot(dx, dy) < 10 && event.pointerType !== "mouse") {
      apply(stage, true);
      tapped(stage, event);
    } else {
      const box = zoomable(stage);
      if (box) box.style.opacity = "";
      apply(stage, true);
    }
  }
  document.addEventListener("pointerup", (event) => ended(event, false));
  document.addEventListener("pointercancel", (event) => ended(event, true));

  document.addEventListener("dblclick", (event) => {
    const stage = sync(stageOf(event.target));
    if (!stage || !event.isTrusted || lastType !== "mouse") return; // taps count themselves
    asked = stage.dataset.rdriveItem; // the stage's own on_double_click asks the state
    toggleZoom(stage, event.clientX, event.clientY);
  });

  document.addEventListener(
    "wheel",
    (event) => {
      const stage = sync(stageOf(event.target));
      if (!stage || !zoomable(stage)) return;
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        zoomTo(stage, view.s * Math.exp(-event.deltaY * 0.01), event.clientX, event.clientY, false);
      } else if (view.s > 1) {
        event.preventDefault();
        view.x -= event.deltaX;
        view.y -= event.deltaY;
        clamp(stage);
        apply(stage, false);
      }
    },
    { passive: false },
  );

  // The buttons: Zoom in / out about the centre; a step resets the zoom at once.
  document.addEventListener(
    "click",
    (event) => {
      const button = event.target.closest ? event.target.closest("button[aria-label]") : null;
      const viewer = button ? viewerOf(button) : null;
      const stage = viewer ? sync(viewer.querySelector("[data-rdrive-stage]")) : null;
      if (!stage) return;
      const label = button.getAttribute("aria-label");
      if (label === "Next" || label === "Previous" || label === "Close") reset(stage);
      else if (label === "Zoom in" || label === "Zoom out") {
        if (label === "Zoom in") asked = stage.dataset.rdriveItem; // its on_click asks
        const [x, y] = centre(stage);
        zoomTo(stage, label === "Zoom in" ? view.s * 2 : view.s / 2, x, y, true);
      }
    },
    true,
  );

  document.addEventListener("focusin", (event) => {
    const viewer = event.target.closest ? viewerOf(event.target) : null;
    if (viewer) wake(viewer);
  });

  // Another item shown (a step, or the viewer opened again): it starts fitted.
  new MutationObserver((changes) => {
    for (const change of changes) reset(change.target);
  }).observe(document.documentElement, {
    subtree: true,
    attributes: true,
    attributeFilter: ["data-rdrive-item"],
  });
})();
