import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CellSummary, TaxonomyClass } from '../../../electron/shared/api/views.js';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useShallow } from 'zustand/react/shallow';
import { pixelUrl } from '../api';
import { useAppStore } from '../state/useAppStore';
import { useReviewStore } from '../state/useReviewStore';
import { colorOf } from './classColors';
import { galleryModel, verticalNeighbour, type GalleryModel, type GalleryRow } from './galleryModel';

const TILE_W = 108;
const CELL_ROW_H = 128;
const HEADER_H = 36;
/** Space above the crops of a row (the rows' former padding-top). */
const ROW_PAD = 6;
/**
 * Scrolling faster than this (px per ms, about a row of crops per frame) is a flick, not reading:
 * tiles that appear then show a placeholder and fetch their crop once the scroll slows. Each crop
 * is its own image request, and fifty of them per frame stall the page for 100 ms or more.
 */
const FLICK_PX_PER_MS = 2;
/** A single scroll step this long (two rows: a page key, a scrollbar jump) is a flick too. */
const FLICK_JUMP_PX = 2 * CELL_ROW_H;
/** How long after the last fast scroll event the gallery counts as settled again. */
const SETTLE_MS = 120;
/** Crops revealed per frame after a flick, so a settled screen's hundred requests do not start in one task. */
const REVEALS_PER_FRAME = 16;
/** MIME type of dragged cells (JSON array of cell ids). */
export const CELL_DRAG_TYPE = 'application/x-marrowscope-cells';

/**
 * The per-class galleries (or the uncertain-first queue): only the rows in view are in the DOM, so
 * thousands of cells scroll smoothly. Keyboard: arrows move, Shift+arrows extend, Space toggles,
 * Ctrl+A selects the class; the review screen handles class hotkeys.
 */
export function Gallery({ onModel }: { onModel: (m: GalleryModel) => void }) {
  // Only what the gallery draws: a keystroke's other store updates (pending, detail) skip it.
  const { cells, mode, selection, focusId, focus, loading, revision } = useReviewStore(
    useShallow((s) => ({ cells: s.cells, mode: s.mode, selection: s.selection, focusId: s.focusId, focus: s.focus, loading: s.loading, revision: s.revision })),
  );
  const taxonomy = useAppStore((s) => s.taxonomy);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const flicking = useFlickDetector(scrollRef);
  const anchor = useRef<string | null>(null);

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  const columns = Math.max(1, Math.floor((width - 16) / TILE_W));
  const model = useMemo(() => galleryModel(cells, mode, taxonomy, columns), [cells, mode, taxonomy, columns]);
  useEffect(() => onModel(model), [model, onModel]);

  const virtualizer = useVirtualizer({
    count: model.rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (model.rows[i]!.kind === 'header' ? HEADER_H : CELL_ROW_H),
    overscan: 4,
    getItemKey: (i) => model.rows[i]!.key,
  });

  useEffect(() => {
    const pos = focusId ? model.position.get(focusId) : undefined;
    if (!pos) return;
    // Scroll only when the focused row is not wholly in view: scrollToIndex measures the element
    // (a forced layout), which cost more than the rest of a keystroke when done every time.
    const item = virtualizer.getVirtualItems().find((v) => v.index === pos.row);
    const top = virtualizer.scrollOffset ?? 0;
    const height = virtualizer.scrollRect?.height ?? 0;
    if (!item || item.start < top || item.end > top + height) virtualizer.scrollToIndex(pos.row, { align: 'auto' });
  }, [focusId, model, virtualizer]);

  const rangeTo = (target: string): string[] => {
    const a = model.position.get(anchor.current ?? target)?.index ?? 0;
    const b = model.position.get(target)?.index ?? 0;
    return model.order.slice(Math.min(a, b), Math.max(a, b) + 1) as string[];
  };

  const move = (target: string | null | undefined, extend: boolean) => {
    if (!target) return;
    if (extend) focus(target, { range: rangeTo(target) });
    else {
      anchor.current = target;
      focus(target);
    }
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const cur = focusId ?? model.order[0];
    if (!cur) return;
    const idx = model.position.get(cur)?.index ?? 0;
    switch (e.key) {
      case 'ArrowRight':
        move(model.order[idx + 1], e.shiftKey);
        break;
      case 'ArrowLeft':
        move(model.order[idx - 1], e.shiftKey);
        break;
      case 'ArrowDown':
        move(verticalNeighbour(model, cur, 1), e.shiftKey);
        break;
      case 'ArrowUp':
        move(verticalNeighbour(model, cur, -1), e.shiftKey);
        break;
      case 'Home':
        move(model.order[0], e.shiftKey);
        break;
      case 'End':
        move(model.order[model.order.length - 1], e.shiftKey);
        break;
      case ' ':
        focus(cur, { toggle: true });
        break;
      case 'a':
        if (!(e.ctrlKey || e.metaKey)) return;
        {
          const code = cells.find((c) => c.cellId === cur)?.currentCode;
          const ids = model.order.filter((id) => mode === 'uncertain-first' || cells.find((c) => c.cellId === id)?.currentCode === code);
          focus(cur, { range: ids });
        }
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const focusedName = focusId ? `cell-${focusId}` : undefined;
  const clickRef = useRef<(cellId: string, e: React.MouseEvent) => void>(() => undefined);
  clickRef.current = (cellId, e) => {
    if (e.shiftKey) focus(cellId, { range: rangeTo(cellId) });
    else if (e.ctrlKey || e.metaKey) focus(cellId, { toggle: true });
    else {
      anchor.current = cellId;
      focus(cellId);
    }
    scrollRef.current?.focus({ preventScroll: true });
  };
  const onTileClick = useCallback((cellId: string, e: React.MouseEvent) => clickRef.current(cellId, e), []);
  const selectionRef = useRef(selection);
  selectionRef.current = selection;
  const onTileDragStart = useCallback((cellId: string, e: React.DragEvent) => {
    const sel = selectionRef.current;
    const ids = sel.has(cellId) ? [...sel] : [cellId];
    e.dataTransfer.setData(CELL_DRAG_TYPE, JSON.stringify(ids));
    e.dataTransfer.effectAllowed = 'move';
  }, []);

  const items = virtualizer.getVirtualItems();
  return (
    <div
      ref={scrollRef}
      className="gallery"
      role="listbox"
      aria-label={mode === 'by-class' ? 'Cell galleries by class' : 'Cells, most uncertain first'}
      aria-multiselectable="true"
      aria-activedescendant={focusedName}
      aria-busy={loading}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="gallery"
      data-revision={revision}
      data-count={cells.length}
    >
      {!loading && cells.length === 0 && <p className="empty">No cells match the filters.</p>}
      {/* Tiles are children of one container, keyed by cell and placed by transform: a review that
          moves cells between rows (one leaves a class, the rest shift up) moves their elements
          instead of re-creating them, so no crop is fetched, decoded and painted again. */}
      <div className="gallery-inner" style={{ height: `${virtualizer.getTotalSize()}px` }}>
        {/* One flat array: nested per-row arrays would be keyed by position and remount on scroll. */}
        {items.flatMap((v) => {
          const row = model.rows[v.index]!;
          if (row.kind === 'header') {
            return [
              <div key={v.key} className="gallery-row" style={{ transform: `translateY(${v.start}px)`, height: `${v.size}px` }}>
                <GalleryHeader row={row} taxonomy={taxonomy} />
              </div>,
            ];
          }
          return row.cells.map((c, col) => (
            <Tile
              key={c.cellId}
              cell={c}
              x={col * TILE_W}
              y={v.start + ROW_PAD}
              selected={selection.has(c.cellId)}
              focused={c.cellId === focusId}
              deferImage={flicking}
              color={colorOf(taxonomy, c.currentCode)}
              onClick={onTileClick}
              onDragStart={onTileDragStart}
            />
          ));
        })}
      </div>
    </div>
  );
}

/** A class header row. */
const GalleryHeader = memo(function GalleryHeader({ row, taxonomy }: { row: Extract<GalleryRow, { kind: 'header' }>; taxonomy: readonly TaxonomyClass[] }) {
  const t = row.code ? taxonomy.find((x) => x.code === row.code) : undefined;
  return (
    <div className="gallery-header" role="presentation">
      {row.code && <span className="swatch" style={{ background: colorOf(taxonomy, row.code) }} aria-hidden="true" />}
      <strong>{row.title}</strong>
      {row.code && <span className="code">{row.code}</span>}
      <span className="muted">{row.count.toLocaleString()}</span>
      {t?.hotkey && <kbd>{t.hotkey.toUpperCase()}</kbd>}
    </div>
  );
});

interface TileProps {
  readonly cell: CellSummary;
  readonly x: number;
  readonly y: number;
  readonly selected: boolean;
  readonly focused: boolean;
  /** Show a placeholder instead of fetching the crop (the gallery is being flicked past); once shown, a crop stays. */
  readonly deferImage: boolean;
  readonly color: string;
  readonly onClick: (cellId: string, e: React.MouseEvent) => void;
  readonly onDragStart: (cellId: string, e: React.DragEvent) => void;
}

/** One crop; memoised on plain props, so a keystroke re-renders only the tiles it changed or moved. */
const Tile = memo(function Tile({ cell: c, x, y, selected, focused, deferImage, color, onClick, onDragStart }: TileProps) {
  const [showImage, setShowImage] = useState(!deferImage);
  useEffect(() => {
    if (showImage || deferImage) return;
    let live = true;
    scheduleReveal(() => live && setShowImage(true));
    return () => {
      live = false;
    };
  }, [showImage, deferImage]);
  return (
    <div
      id={`cell-${c.cellId}`}
      role="option"
      aria-selected={selected || focused}
      aria-label={`${c.currentCode}${c.currentCode !== c.predictedCode ? ` (model: ${c.predictedCode})` : ''}, uncertainty ${Math.round(c.uncertainty * 100)}%${c.reviewed ? ', reviewed' : ''}`}
      className={`tile tile-placed${selected ? ' tile-selected' : ''}${focused ? ' tile-focused' : ''}${c.reviewed ? ' tile-reviewed' : ''}`}
      style={{ transform: `translate(${x}px, ${y}px)` }}
      data-cell-id={c.cellId}
      data-code={c.currentCode}
      draggable
      onDragStart={(e) => onDragStart(c.cellId, e)}
      onClick={(e) => onClick(c.cellId, e)}
    >
      {showImage ? (
        <img src={pixelUrl(c.cropUrl)} width={96} height={96} alt="" draggable={false} decoding="async" />
      ) : (
        <div className="tile-placeholder" aria-hidden="true" />
      )}
      <div className="tile-caption">
        <span className="tile-code" style={{ borderColor: color }}>
          {c.currentCode}
        </span>
        <span className="tile-unc" title="Ensemble uncertainty">
          <span className="unc-bar">
            <span style={{ width: `${Math.round(c.uncertainty * 100)}%` }} />
          </span>
        </span>
        {c.reviewed && (
          <span className="tile-mark" title={c.lastAction ?? 'reviewed'} aria-hidden="true">
            {c.lastAction === 'confirm' ? '✓' : c.lastAction === 'defer' ? '?' : '✎'}
          </span>
        )}
      </div>
    </div>
  );
});

/**
 * True while the element scrolls faster than FLICK_PX_PER_MS (or jumps FLICK_JUMP_PX at once), and
 * for SETTLE_MS after. The listener captures, so it runs before the virtualizer's own scroll handler,
 * which renders the newly visible rows synchronously: they read the ref, not yet the state.
 */
function useFlickDetector(ref: React.RefObject<HTMLElement | null>): boolean {
  const [flicking, setFlicking] = useState(false);
  const fast = useRef(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let last = { top: el.scrollTop, at: performance.now() };
    let timer: ReturnType<typeof setTimeout> | undefined;
    let frame = 0;
    const onScroll = () => {
      const now = { top: el.scrollTop, at: performance.now() };
      const step = Math.abs(now.top - last.top);
      const speed = step / Math.max(1, now.at - last.at);
      last = now;
      if (speed < FLICK_PX_PER_MS && step < FLICK_JUMP_PX) return;
      fast.current = true;
      setFlicking(true);
      clearTimeout(timer);
      cancelAnimationFrame(frame);
      // Calm counts from the first frame drawn after the scroll: a main thread busy for longer than
      // SETTLE_MS (a loaded machine) must not end the flick before its placeholders were ever shown.
      frame = requestAnimationFrame(() => {
        timer = setTimeout(() => {
          fast.current = false;
          setFlicking(false);
        }, SETTLE_MS);
      });
    };
    el.addEventListener('scroll', onScroll, { passive: true, capture: true });
    return () => {
      el.removeEventListener('scroll', onScroll, { capture: true });
      clearTimeout(timer);
      cancelAnimationFrame(frame);
    };
  }, [ref]);
  return flicking || fast.current;
}

/** Tiles waiting to show their crop after a flick, revealed REVEALS_PER_FRAME per animation frame, top first. */
const reveals: (() => void)[] = [];
let revealing = false;
function scheduleReveal(reveal: () => void): void {
  reveals.push(reveal);
  if (revealing) return;
  revealing = true;
  const frame = () => {
    for (const r of reveals.splice(0, REVEALS_PER_FRAME)) r();
    if (reveals.length) requestAnimationFrame(frame);
    else revealing = false;
  };
  requestAnimationFrame(frame);
}
