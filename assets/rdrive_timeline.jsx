// The Photos timeline's two React components, wrapped for Reflex in
// rdrive_app/ui/components/timeline.py (TimelineGrid, TimelineScrubber).
//
// Nothing here lays out or virtualises by hand: react-virtuoso keeps only the sections near the
// viewport in the DOM (the window scrolls; firstItemIndex keeps the position when the state
// prepends newer sections or drops far ones), and react-photo-album's RowsPhotoAlbum justifies
// each section's tiles in rows that keep every photo's aspect ratio. Both take render
// functions, which is why this is a small JSX module rather than props set from Python.
//
// The data comes from TimelineState (rdrive_app/ui/state/timeline.py): sections of one day
// (at most a few dozen tiles each), labelled there. The tiles, their rows and the ways of
// selecting them are every grid's (rdrive_grid.jsx).
import { useEffect, useMemo, useRef, useState } from "react";
import { Virtuoso } from "react-virtuoso";
import { Band, SPACING, TileRows, useTileGestures } from "./rdrive_grid.jsx";

const MONTH = /^\d{4}-\d{2}$/;

function Section({ section, ctx }) {
  return (
    <section
      data-rdrive-day={section.day}
      data-rdrive-key={section.key}
      style={{ paddingBottom: `${SPACING}px` }}
    >
      {section.show_month ? (
        <h2 style={{ margin: "20px 0 4px", fontSize: "22px", fontWeight: 600 }}>{section.month_label}</h2>
      ) : null}
      {section.show_day ? (
        <h3 style={{ margin: "10px 0 6px", fontSize: "14px", fontWeight: 500, color: "var(--gray-11)" }}>
          {section.day_label}
        </h3>
      ) : null}
      <TileRows tiles={section.tiles} ctx={ctx} label={section.day_label} />
    </section>
  );
}

const itemContent = (_index, section, ctx) => <Section section={section} ctx={ctx} />;
const sectionKey = (_index, section) => section.key;

// While the viewer is not open, the address bar follows the month at the top of the viewport
// (replaceState, no navigation), so a reload or Back returns to where the person was.
const TOP_BAR = 64;
const SETTLE_MS = 200; // how often the grid looks whether a jump has landed
const SETTLE_MAX_MS = 4000; // and when it stops waiting
const UPWARDS_KEYS = new Set(["ArrowUp", "PageUp", "Home"]);
// Sections rendered beyond the viewport: below only, since rendering ahead above breaks the
// scroll position kept when sections are prepended (react-virtuoso issue #947).
const OVERSCAN = { top: 0, bottom: 600 }; // the page's sticky bar covers the top of the window

// The router entry a grid was mounted under: React Router gives each navigation its own key in
// history.state, and replaceState here and in rdrive_page.js keeps it. A grid whose entry is
// gone (the scrubber navigated, Back) no longer owns the address: its last scroll must not
// write its month over the one the page is navigating to.
const routerEntry = () => (window.history.state && window.history.state.key) || "";

function followMonth(grid, entry) {
  const params = new URLSearchParams(window.location.search);
  if (!grid || params.has("item") || routerEntry() !== entry) return;
  if (!params.has("month") && window.scrollY < 200) return; // the top of the timeline: no month
  const box = grid.getBoundingClientRect();
  const under = document.elementFromPoint(box.left + 8, TOP_BAR + 24);
  const section = under && under.closest("section[data-rdrive-day]");
  const month = section ? section.dataset.rdriveDay.slice(0, 7) : "";
  if (!MONTH.test(month) || params.get("month") === month) return;
  params.set("month", month);
  window.history.replaceState(window.history.state, "", `${window.location.pathname}?${params}`);
}

export function TimelineGrid({
  generation,
  sections,
  firstItemIndex,
  initialIndex,
  selected,
  onStartReached,
  onEndReached,
  onOpen,
  onToggle,
  onFavorite,
  onSelectMany,
}) {
  const grid = useRef(null);
  const { ctx, band } = useTileGestures(grid, { selected, onOpen, onToggle, onFavorite, onSelectMany });
  const data = sections || [];
  // Read once (each window mounts a new grid); the same object on every render, or Virtuoso
  // would scroll back to it each time the data changes.
  const start = useRef(initialIndex || 0);
  const initialLocation = useMemo(() => ({ index: start.current, align: "start", offset: -TOP_BAR }), []);
  // Virtuoso reports the top reached as it mounts, before it has scrolled to the section a
  // jump opens at, and items prepended before that first scroll do not keep the view
  // (react-virtuoso #1405): the month jumped to would be pushed away. So the top only counts
  // once the grid has settled — the jumped-to section is in view (or the page cannot scroll
  // further; or, at the latest, after SETTLE_MAX_MS; watched rather than timed, since on a
  // slow phone the scroll comes late) — and then only after the person has moved the page
  // since the last ask: a view that did not move cannot ask again and again. A gesture
  // towards the top while the grid's top is in view asks too (the page may not scroll).
  const settled = useRef(false);
  const moved = useRef(true);
  const askNewer = useRef(onStartReached);
  askNewer.current = onStartReached;
  const askTop = () => {
    if (!settled.current || !moved.current || !askNewer.current) return;
    moved.current = false;
    askNewer.current(generation);
  };
  const target = data[start.current] ? data[start.current].key : null;
  useEffect(() => {
    const entry = routerEntry();
    if (start.current === 0) window.scrollTo(0, 0); // else Virtuoso scrolls to that section
    const began = Date.now();
    const atTarget = () => {
      if (start.current === 0 || target === null) return true;
      const shown = grid.current && grid.current.querySelector(`section[data-rdrive-key="${target}"]`);
      const bottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
      const box = shown && shown.getBoundingClientRect();
      return (box && box.bottom > TOP_BAR && box.top < window.innerHeight / 2) || bottom;
    };
    const settle = setInterval(() => {
      if (!atTarget() && Date.now() - began < SETTLE_MAX_MS) return;
      clearInterval(settle);
      settled.current = true;
    }, SETTLE_MS);
    const onGesture = (event) => {
      moved.current = true;
      const upwards =
        (event.type === "wheel" && event.deltaY < 0) ||
        event.type === "touchmove" ||
        (event.type === "keydown" && UPWARDS_KEYS.has(event.key));
      const box = grid.current && grid.current.getBoundingClientRect();
      if (upwards && box && box.top >= 0) askTop();
    };
    const gestures = ["wheel", "touchmove", "keydown", "pointerdown"];
    for (const name of gestures) window.addEventListener(name, onGesture, { passive: true });
    let pending = null;
    // The address follows the person's scrolling, not Virtuoso's own on the way to a jump's
    // section (it may pass the top of the window first).
    const onScroll = () => {
      if (!settled.current || pending !== null) return;
      pending = setTimeout(() => ((pending = null), followMonth(grid.current, entry)), 250);
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      window.removeEventListener("scroll", onScroll);
      for (const name of gestures) window.removeEventListener(name, onGesture);
      clearInterval(settle);
      if (pending !== null) clearTimeout(pending);
    };
  }, []);
  return (
    <div ref={grid} className="rdrive-grid" data-rdrive-selecting={ctx.chosen.size > 0 ? "1" : undefined}>
      <Virtuoso
        useWindowScroll
        data={data}
        firstItemIndex={firstItemIndex || 0}
        initialTopMostItemIndex={initialLocation}
        computeItemKey={sectionKey}
        itemContent={itemContent}
        context={ctx}
        increaseViewportBy={OVERSCAN}
        startReached={askTop}
        endReached={() => onEndReached && onEndReached(generation)}
      />
      <Band band={band} />
    </div>
  );
}

// The scrubber: one segment per month, newest at the top, as tall as its share of the items.
// A press, or a drag released over a month, jumps there (onJump); keyboard users press the
// segment's button.
export function TimelineScrubber({ marks, current, onJump }) {
  const bar = useRef(null);
  const dragging = useRef(false);
  const [hover, setHover] = useState(null);
  const list = marks || [];
  const monthAt = (clientY) => {
    const buttons = bar.current ? bar.current.querySelectorAll("button[data-month]") : [];
    let found = null;
    for (const button of buttons) {
      const box = button.getBoundingClientRect();
      if (clientY >= box.top) found = { month: button.dataset.month, label: button.ariaLabel, y: box.top };
      if (clientY < box.bottom) break;
    }
    return found;
  };
  const barTop = () => (bar.current ? bar.current.getBoundingClientRect().top : 0);
  return (
    <nav
      ref={bar}
      aria-label="Timeline scrubber"
      style={{
        position: "fixed",
        right: "4px",
        top: "72px",
        bottom: "12px",
        width: "64px",
        display: "flex",
        flexDirection: "column",
        touchAction: "none",
        userSelect: "none",
        zIndex: 5,
      }}
      onPointerDown={(event) => {
        dragging.current = true;
        event.currentTarget.setPointerCapture(event.pointerId);
        setHover(monthAt(event.clientY));
      }}
      onPointerMove={(event) => setHover(monthAt(event.clientY))}
      onPointerLeave={() => dragging.current || setHover(null)}
      onPointerUp={(event) => {
        if (!dragging.current) return;
        dragging.current = false;
        const at = monthAt(event.clientY);
        setHover(null);
        if (at && onJump) onJump(at.month);
      }}
    >
      {list.map((mark) => (
        <button
          key={mark.month}
          type="button"
          data-month={mark.month}
          aria-label={mark.label}
          aria-current={mark.month === current ? "true" : undefined}
          onClick={(event) => event.detail === 0 && onJump && onJump(mark.month)}
          style={{
            all: "unset",
            position: "relative",
            flex: `${mark.count} 1 0px`,
            minHeight: "2px",
            cursor: "pointer",
            borderRight: `3px solid ${mark.month === current ? "var(--accent-9)" : "var(--gray-a5)"}`,
          }}
        >
          {mark.year_start ? (
            <span style={{ position: "absolute", top: 0, right: "8px", fontSize: "11px", color: "var(--gray-11)" }}>
              {mark.year}
            </span>
          ) : null}
        </button>
      ))}
      {hover ? (
        <span
          role="status"
          style={{
            position: "absolute",
            right: "70px",
            top: `${hover.y - barTop()}px`,
            whiteSpace: "nowrap",
            padding: "2px 8px",
            borderRadius: "var(--radius-2)",
            background: "var(--gray-12)",
            color: "var(--gray-1)",
            fontSize: "12px",
            pointerEvents: "none",
          }}
        >
          {hover.label}
        </span>
      ) : null}
    </nav>
  );
}
