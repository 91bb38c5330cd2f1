// The tiles every grid shows, in justified rows, and the ways of selecting them.
//
// One layout for every grid: react-photo-album's RowsPhotoAlbum lays a list of tiles out in
// rows of about ROW_HEIGHT px that fill the width, each tile keeping its picture's shape (a
// plain file, or an item not yet measured, is square). The timeline (rdrive_timeline.jsx)
// renders one such album per day section inside react-virtuoso; a folder's or a search's grid
// (TileGrid here, wrapped in rdrive_app/ui/components/timeline.py) is one album over the pages
// loaded so far, the "Load more" sentinel under it (rdrive_scroll.js).
//
// Selecting, as Google Photos does it: a tile's checkbox shows on hover or focus, and on
// every tile once a selection has started (data-rdrive-selecting on the grid; the rules are in
// rdrive_tiles.css). While selecting, a click on a tile ticks it instead of opening it;
// shift-click ticks the range from the last one ticked (the state's toggle_select). A mouse
// pressed on empty space (or, where tiles cannot be dragged, on a tile) and moved draws a
// band: the tiles it crosses join the selection (onSelectMany). A finger held ~500 ms on a
// tile starts a selection with it. On a folder's page a tile (or the selection it is part of)
// can be dragged onto a folder ([data-rdrive-drop-folder] elements: the folder cards and the
// breadcrumb), which asks the state to move them there (onMoveTo).
//
// Each tile's names are what tests and screen readers find: the tile is a button named by the
// item's name, its checkbox "Select <name>", its heart "Favourite <name>".
import { useEffect, useMemo, useRef, useState } from "react";
import { RowsPhotoAlbum } from "react-photo-album";
import "react-photo-album/rows.css";

export const ROW_HEIGHT = 180; // the rows' target height in px (Google Photos' is about the same)
const PHONE_ROW_HEIGHT = 110; // on a phone's width: three or four tiles a row, not one or two
const rowHeight = (width) => (width < 600 ? PHONE_ROW_HEIGHT : ROW_HEIGHT);
export const SPACING = 4;
const FIRST_SCREEN = 48; // tiles a large screen shows before any scrolling: loaded at once
const LONG_PRESS_MS = 500;
const SLOP = 10; // px a finger may move and still be holding
const BAND_START = 6; // px a mouse moves before a press becomes a band
const ITEMS_TYPE = "application/x-rdrive-items"; // what a dragged tile carries: its ids
// Where a press is someone else's: controls, dialogs, menus, the scrubber.
const NOT_A_BAND = "button, a, input, textarea, select, label, [role=dialog], [role=menu], nav";

const tileButton = {
  all: "unset",
  cursor: "pointer",
  display: "block",
  width: "100%",
  position: "relative",
  background: "var(--gray-a3)",
  borderRadius: "var(--radius-2)",
  overflow: "hidden",
  WebkitTouchCallout: "none",
  userSelect: "none",
};
// ``all: unset`` takes a button's dragging away with the rest: a tile that moves gets it back.
const dragging = { WebkitUserDrag: "element" };
const chosenOutline = { outline: "3px solid var(--accent-9)", outlineOffset: "-3px" };
const badge = {
  position: "absolute",
  right: "6px",
  bottom: "6px",
  padding: "1px 6px",
  borderRadius: "var(--radius-2)",
  background: "rgba(0, 0, 0, 0.6)",
  color: "white",
  fontSize: "11px",
  pointerEvents: "none",
};
const placeholder = {
  display: "flex",
  flexDirection: "column",
  gap: "4px",
  alignItems: "center",
  justifyContent: "center",
  width: "100%",
  padding: "8px",
  boxSizing: "border-box",
  color: "var(--gray-10)",
  fontSize: "12px",
  textAlign: "center",
  overflowWrap: "anywhere",
};
const KIND_LABEL = { video: "Video", file: "File", image: "Photo" };

// The tile's heart: pressed for a favourite; shown on hover or focus, or when pressed
// (rdrive_tiles.css). A plain file has none (it is never a favourite).
function Heart({ tile, onFavorite }) {
  return (
    <button
      type="button"
      className="rdrive-heart"
      aria-label={`Favourite ${tile.name}`}
      aria-pressed={tile.favorite ? "true" : "false"}
      onClick={(event) => {
        event.stopPropagation();
        onFavorite && onFavorite(tile.id, !tile.favorite);
      }}
    >
      <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true"
        fill={tile.favorite ? "white" : "none"} stroke="white" strokeWidth="2"
        strokeLinecap="round" strokeLinejoin="round">
        <path d="M19 14c1.49-1.46 3-3.21 3-5.5A5.5 5.5 0 0 0 16.5 3c-1.76 0-3 .5-4.5 2-1.5-1.5-2.74-2-4.5-2A5.5 5.5 0 0 0 2 8.5c0 2.3 1.5 4.05 3 5.5l7 7Z" />
      </svg>
    </button>
  );
}

function Tile({ props, photo, index, width, height, ctx }) {
  const tile = photo.tile;
  const eager = ctx.eager && index < FIRST_SCREEN;
  return (
    <button
      type="button"
      aria-label={tile.name}
      title={tile.name}
      data-rdrive-tile={tile.id}
      draggable={ctx.movable ? "true" : undefined}
      style={{
        ...tileButton,
        ...(ctx.movable ? dragging : null),
        ...(ctx.chosen.has(tile.id) ? chosenOutline : null),
      }}
      onClick={(event) => ctx.press(tile.id, event)}
      onPointerDown={(event) => ctx.hold(tile.id, event)}
      onContextMenu={(event) => ctx.touching() && event.preventDefault()}
      onDragStart={(event) => ctx.dragStart(tile.id, event)}
    >
      {tile.thumb ? (
        <img
          {...props}
          draggable="false"
          loading={eager ? "eager" : "lazy"}
          fetchPriority={eager ? "high" : "auto"}
          style={{ ...props.style, objectFit: "cover" }}
        />
      ) : (
        <span style={{ ...placeholder, aspectRatio: `${width} / ${height}` }}>
          <span aria-hidden="true" style={{ fontWeight: 600 }}>{KIND_LABEL[tile.kind] || "Photo"}</span>
          {tile.status_label ? <span>{tile.status_label}</span> : null}
          <span aria-hidden="true">{tile.name}</span>
        </span>
      )}
      {tile.kind === "video" && tile.duration ? <span style={badge}>▶ {tile.duration}</span> : null}
      {tile.live ? <span style={badge}>Live</span> : null}
    </button>
  );
}

function Extras({ tile, ctx }) {
  return (
    <>
      <input
        type="checkbox"
        className="rdrive-check"
        aria-label={`Select ${tile.name}`}
        checked={ctx.chosen.has(tile.id)}
        readOnly
        onClick={(event) => {
          event.stopPropagation();
          ctx.onToggle && ctx.onToggle(tile.id, event.shiftKey);
        }}
      />
      {tile.kind === "file" ? null : <Heart tile={tile} onFavorite={ctx.onFavorite} />}
    </>
  );
}

// One list of tiles in justified rows; ``label`` names the group (a day, a folder's items).
export function TileRows({ tiles, ctx, label }) {
  const photos = useMemo(
    () =>
      (tiles || []).map((tile) => ({
        key: tile.id,
        src: tile.thumb || "data:,",
        alt: tile.name,
        width: tile.width || 1,
        height: tile.height || 1,
        tile,
      })),
    [tiles],
  );
  const render = useMemo(
    () => ({
      image: (props, { photo, index, width, height }) => (
        <Tile props={props} photo={photo} index={index} width={width} height={height} ctx={ctx} />
      ),
      extras: (_, { photo }) => <Extras tile={photo.tile} ctx={ctx} />,
    }),
    [ctx],
  );
  return (
    <RowsPhotoAlbum
      photos={photos}
      targetRowHeight={rowHeight}
      spacing={SPACING}
      rowConstraints={{ singleRowMaxHeight: ROW_HEIGHT }}
      render={render}
      componentsProps={{ container: { "aria-label": label }, wrapper: { className: "rdrive-tile" } }}
    />
  );
}

const bandRect = (a, b) => ({
  left: Math.min(a.x, b.x),
  top: Math.min(a.y, b.y),
  right: Math.max(a.x, b.x),
  bottom: Math.max(a.y, b.y),
});

// The tiles of ``root`` a band (in page coordinates) crosses, in the grid's order.
function tilesIn(root, rect) {
  const found = [];
  for (const button of root.querySelectorAll("[data-rdrive-tile]")) {
    const box = button.getBoundingClientRect();
    const left = box.left + window.scrollX;
    const top = box.top + window.scrollY;
    if (left < rect.right && left + box.width > rect.left && top < rect.bottom && top + box.height > rect.top) {
      found.push(button.dataset.rdriveTile);
    }
  }
  return found;
}

// Drops of dragged tiles on a folder ([data-rdrive-drop-folder="<path>"]) anywhere on the
// page. Listened for on the window while capturing, so the upload script's drop (files from
// the desktop, rdrive_pick.js) never sees a drag of tiles.
function useFolderDrops(onMoveTo) {
  const latest = useRef(onMoveTo);
  latest.current = onMoveTo;
  useEffect(() => {
    if (!onMoveTo) return undefined;
    let marked = null;
    const mark = (target) => {
      if (marked === target) return;
      if (marked) marked.removeAttribute("data-rdrive-drop-over");
      if (target) target.setAttribute("data-rdrive-drop-over", "1");
      marked = target;
    };
    const ours = (event) => event.dataTransfer && Array.from(event.dataTransfer.types || []).includes(ITEMS_TYPE);
    const folderAt = (event) =>
      event.target instanceof Element ? event.target.closest("[data-rdrive-drop-folder]") : null;
    const over = (event) => {
      if (!ours(event)) return;
      const target = folderAt(event);
      mark(target);
      if (target) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
      }
    };
    const drop = (event) => {
      if (!ours(event)) return;
      event.preventDefault();
      event.stopPropagation();
      const target = folderAt(event);
      mark(null);
      if (!target || !latest.current) return;
      let ids = [];
      try {
        ids = JSON.parse(event.dataTransfer.getData(ITEMS_TYPE) || "[]");
      } catch (_) {
        return;
      }
      if (Array.isArray(ids) && ids.length) latest.current(ids, target.dataset.rdriveDropFolder);
    };
    const end = () => mark(null);
    window.addEventListener("dragover", over, true);
    window.addEventListener("drop", drop, true);
    window.addEventListener("dragend", end, true);
    return () => {
      window.removeEventListener("dragover", over, true);
      window.removeEventListener("drop", drop, true);
      window.removeEventListener("dragend", end, true);
      mark(null);
    };
  }, [Boolean(onMoveTo)]);
}

// Everything a grid's tiles do when pressed, held, dragged or banded, as one context object
// for its tiles, and the band to draw (page coordinates) while a mouse draws one.
export function useTileGestures(root, { selected, onOpen, onToggle, onFavorite, onSelectMany, onMoveTo, eager }) {
  const [band, setBand] = useState(null); // {rect, ids}
  // The click that ends a long press (on that tile) or a band (on any) is no press.
  const quietUntil = useRef(0);
  const quietTile = useRef(null);
  const pointer = useRef("mouse"); // the last pointer pressed on a tile
  const holding = useRef(null);
  const latest = useRef({});
  const base = useMemo(() => new Set(selected || []), [selected]);
  latest.current = { base, onToggle, onSelectMany, selected: selected || [] };
  const movable = Boolean(onMoveTo);
  useFolderDrops(onMoveTo);

  const stopHolding = () => {
    const hold = holding.current;
    if (!hold) return;
    clearTimeout(hold.timer);
    for (const [name, fn] of hold.listeners) window.removeEventListener(name, fn);
    holding.current = null;
  };
  useEffect(() => stopHolding, []);

  // A mouse pressed away from any control draws a band; released, its tiles join the selection.
  useEffect(() => {
    const onDown = (event) => {
      if (event.pointerType !== "mouse" || event.button !== 0 || !root.current) return;
      const target = event.target instanceof Element ? event.target : null;
      if (!target || document.querySelector("[role=dialog]")) return;
      const onTile = target.closest("[data-rdrive-tile]");
      if (target.closest(NOT_A_BAND) && !(onTile && !movable)) return;
      const start = { x: event.pageX, y: event.pageY };
      let ids = null;
      const move = (e) => {
        const at = { x: e.pageX, y: e.pageY };
        if (ids === null && Math.hypot(at.x - start.x, at.y - start.y) < BAND_START) return;
        if (ids === null) document.body.style.userSelect = "none";
        const rect = bandRect(start, at);
        ids = tilesIn(root.current, rect);
        setBand({ rect, ids });
      };
      const up = () => {
        window.removeEventListener("pointermove", move);
        window.removeEventListener("pointerup", up);
        window.removeEventListener("pointercancel", up);
        if (ids === null) return;
        document.body.style.userSelect = "";
        quietUntil.current = Date.now() + 300;
        quietTile.current = null;
        setBand(null);
        if (ids.length && latest.current.onSelectMany) latest.current.onSelectMany(ids);
      };
      window.addEventListener("pointermove", move);
      window.addEventListener("pointerup", up);
      window.addEventListener("pointercancel", up);
    };
    window.addEventListener("pointerdown", onDown);
    return () => window.removeEventListener("pointerdown", onDown);
  }, [movable]);

  const chosen = useMemo(
    () => (band ? new Set([...base, ...band.ids]) : base),
    [base, band],
  );
  const ctx = useMemo(
    () => ({
      chosen,
      movable,
      eager,
      onToggle,
      onFavorite,
      touching: () => pointer.current !== "mouse",
      // While selecting (or with shift) a click ticks the tile; else it opens the viewer.
      press: (id, event) => {
        const quiet = quietTile.current === null || quietTile.current === id;
        if (quiet && Date.now() < quietUntil.current) return;
        if (chosen.size > 0 || event.shiftKey) onToggle && onToggle(id, event.shiftKey);
        else onOpen && onOpen(id);
      },
      // A finger held still on a tile for LONG_PRESS_MS starts (or adds to) the selection.
      hold: (id, event) => {
        pointer.current = event.pointerType || "mouse";
        if (pointer.current === "mouse") return;
        stopHolding();
        const from = { x: event.clientX, y: event.clientY };
        const hold = { listeners: [] };
        const cancel = (e) => {
          if (e.type !== "pointermove" || Math.hypot(e.clientX - from.x, e.clientY - from.y) > SLOP) stopHolding();
        };
        hold.timer = setTimeout(() => {
          stopHolding();
          quietUntil.current = Number.MAX_SAFE_INTEGER; // until the finger lifts
          quietTile.current = id;
          const lifted = () => {
            quietUntil.current = Date.now() + 400;
            window.removeEventListener("pointerup", lifted);
            window.removeEventListener("pointercancel", lifted);
          };
          window.addEventListener("pointerup", lifted);
          window.addEventListener("pointercancel", lifted);
          if (latest.current.onToggle) latest.current.onToggle(id, false);
        }, LONG_PRESS_MS);
        hold.listeners = [["pointermove", cancel], ["pointerup", cancel], ["pointercancel", cancel], ["scroll", cancel]];
        for (const [name, fn] of hold.listeners) window.addEventListener(name, fn, { passive: true });
        holding.current = hold;
      },
      // A tile dragged carries the selection it is part of, or itself.
      dragStart: (id, event) => {
        if (!movable || pointer.current !== "mouse") {
          event.preventDefault();
          return;
        }
        const ids = base.has(id) ? latest.current.selected : [id];
        event.dataTransfer.setData(ITEMS_TYPE, JSON.stringify(ids));
        event.dataTransfer.setData("text/plain", `${ids.length} item${ids.length === 1 ? "" : "s"}`);
        event.dataTransfer.effectAllowed = "move";
      },
    }),
    [chosen, base, movable, eager, onOpen, onToggle, onFavorite],
  );
  return { ctx, band };
}

// The band a mouse draws, over the page.
export function Band({ band }) {
  if (!band) return null;
  const { rect } = band;
  return (
    <div
      aria-hidden="true"
      className="rdrive-band"
      style={{
        position: "fixed",
        left: `${rect.left - window.scrollX}px`,
        top: `${rect.top - window.scrollY}px`,
        width: `${rect.right - rect.left}px`,
        height: `${rect.bottom - rect.top}px`,
        pointerEvents: "none",
        zIndex: 30,
      }}
    />
  );
}

// A folder's (or a search's) tiles: one justified album over every tile loaded so far.
export function TileGrid({ tiles, selected, label, onOpen, onToggle, onFavorite, onSelectMany, onMoveTo }) {
  const root = useRef(null);
  const { ctx, band } = useTileGestures(root, {
    selected, onOpen, onToggle, onFavorite, onSelectMany, onMoveTo, eager: true,
  });
  return (
    <div ref={root} className="rdrive-grid" data-rdrive-selecting={ctx.chosen.size > 0 ? "1" : undefined}
      style={{ width: "100%" }}>
      <TileRows tiles={tiles} ctx={ctx} label={label || "Items"} />
      <Band band={band} />
    </div>
  );
}
