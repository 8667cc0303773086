import { useEffect, useRef, useState } from 'react';
import OpenSeadragon from 'openseadragon';
import type { CellSummary, RegionProposal, SlideView } from '../../../electron/shared/api/views.js';
import type { Rect } from '../../../electron/shared/domain/geometry.js';
import { api, pixelUrl } from '../api';
import { useAppStore } from '../state/useAppStore';
import { colorOf } from '../review/classColors';
import { scaleBarLength } from './scaleBar';
import { installOsdCspShim } from './osdCspShim';
import type { DrawnRegion } from '../state/useSlideStore';

/** What the viewer draws over the slide and how it reacts. */
export interface SlideViewerProps {
  readonly slide: SlideView;
  /** Run whose cells are overlaid (only those in view are fetched and drawn). */
  readonly runId: string | null;
  readonly drawn?: readonly DrawnRegion[];
  readonly proposals?: readonly RegionProposal[];
  readonly chosen?: ReadonlySet<string>;
  /** When true, dragging draws a region instead of panning. */
  readonly drawing?: boolean;
  readonly onRegionDrawn?: (rect: Rect) => void;
  /** Centre here (level-0 px) with about `zoomWidth` level-0 px across; re-applied whenever `seq` changes. */
  readonly focus?: { x: number; y: number; zoomWidth: number; seq: number } | null;
  /** A cell to ring (the one under review). */
  readonly highlightCellId?: string | null;
  readonly showNavigator?: boolean;
  readonly showOverlay?: boolean;
  readonly label: string;
  readonly onCellClick?: (cell: CellSummary) => void;
  /** Changes when cells' labels may have changed (re-fetch the visible ones). */
  readonly revision?: number;
}

const MIN_CELL_SCREEN_RADIUS = 2.5;

/**
 * OpenSeadragon over the shared tile URLs, with a canvas overlay that draws only what is visible:
 * cells coloured by class (fetched by viewport bounds, at most once per settled view), drawn and
 * proposed regions with their scores, the cell under review, and a µm scale bar.
 */
export function SlideViewer(props: SlideViewerProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const viewerRef = useRef<OpenSeadragon.Viewer | null>(null);
  const cellsRef = useRef<readonly CellSummary[]>([]);
  const propsRef = useRef(props);
  propsRef.current = props;
  const drawRef = useRef<{ start: OpenSeadragon.Point; now: OpenSeadragon.Point } | null>(null);
  const frame = useRef(0);
  const fetchTimer = useRef<number | undefined>(undefined);
  const [scale, setScale] = useState<{ px: number; label: string } | null>(null);
  const [ready, setReady] = useState(false);
  const [cellNote, setCellNote] = useState<string | null>(null);
  const taxonomy = useAppStore((s) => s.taxonomy);
  const taxonomyRef = useRef(taxonomy);
  taxonomyRef.current = taxonomy;

  const redraw = () => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(paint);
  };

  function paint() {
    const viewer = viewerRef.current;
    const canvas = canvasRef.current;
    const host = hostRef.current;
    if (!viewer || !canvas || !host || !viewer.world.getItemAt(0)) return;
    const dpr = window.devicePixelRatio || 1;
    const w = host.clientWidth;
    const h = host.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const vp = viewer.viewport;
    const toScreen = (x: number, y: number) => vp.imageToViewerElementCoordinates(new OpenSeadragon.Point(x, y));
    const zoom = vp.viewportToImageZoom(vp.getZoom(true));
    const p = propsRef.current;

    if (p.slide.mpp) {
      const bar = scaleBarLength(p.slide.mpp.x / zoom);
      setScale((old) => (old && old.label === bar.label && Math.abs(old.px - bar.pixels) < 0.5 ? old : { px: bar.pixels, label: bar.label }));
    }

    const rect = (r: Rect, stroke: string, dash: number[], text?: string) => {
      const a = toScreen(r.x, r.y);
      const b = toScreen(r.x + r.width, r.y + r.height);
      ctx.setLineDash(dash);
      ctx.lineWidth = 2;
      ctx.strokeStyle = stroke;
      ctx.strokeRect(a.x, a.y, b.x - a.x, b.y - a.y);
      ctx.setLineDash([]);
      if (text) {
        ctx.font = '600 12px system-ui, sans-serif';
        const tw = ctx.measureText(text).width + 8;
        ctx.fillStyle = stroke;
        ctx.fillRect(a.x, a.y - 18, tw, 18);
        ctx.fillStyle = '#fff';
        ctx.fillText(text, a.x + 4, a.y - 5);
      }
    };
    for (const pr of p.proposals ?? []) {
      const on = p.chosen?.has(pr.regionId) ?? false;
      rect(pr.bounds, on ? '#0b5cad' : '#5f7a94', on ? [] : [6, 4], `${on ? '✓ ' : ''}${pr.score.toFixed(2)}`);
    }
    (p.drawn ?? []).forEach((r, i) => rect(r.rect, '#0a7d47', [], `ROI ${i + 1}`));
    const d = drawRef.current;
    if (d) {
      const x0 = Math.min(d.start.x, d.now.x);
      const y0 = Math.min(d.start.y, d.now.y);
      rect({ x: x0, y: y0, width: Math.abs(d.now.x - d.start.x), height: Math.abs(d.now.y - d.start.y) }, '#0a7d47', [4, 3]);
    }

    if (p.showOverlay !== false) {
      ctx.lineWidth = 2;
      for (const c of cellsRef.current) {
        // A ring just outside the detected nucleus, so the cell itself stays visible.
        const r = Math.max(MIN_CELL_SCREEN_RADIUS, (Math.max(c.bounds.width, c.bounds.height) / 2) * zoom + 3);
        const s = toScreen(c.x, c.y);
        if (s.x < -r || s.y < -r || s.x > w + r || s.y > h + r) continue;
        ctx.strokeStyle = colorOf(taxonomyRef.current, c.currentCode);
        ctx.beginPath();
        ctx.arc(s.x, s.y, r, 0, Math.PI * 2);
        ctx.stroke();
        if (c.cellId === p.highlightCellId) {
          ctx.lineWidth = 3;
          ctx.strokeStyle = '#ffffff';
          ctx.beginPath();
          ctx.arc(s.x, s.y, r + 4, 0, Math.PI * 2);
          ctx.stroke();
          ctx.strokeStyle = '#0b5cad';
          ctx.beginPath();
          ctx.arc(s.x, s.y, r + 7, 0, Math.PI * 2);
          ctx.stroke();
          ctx.lineWidth = 2;
        }
      }
    }
  }

  const fetchCells = () => {
    window.clearTimeout(fetchTimer.current);
    fetchTimer.current = window.setTimeout(async () => {
      const viewer = viewerRef.current;
      const p = propsRef.current;
      if (!viewer || !p.runId || p.showOverlay === false || !viewer.world.getItemAt(0)) {
        cellsRef.current = [];
        return redraw();
      }
      const b = viewer.viewport.viewportToImageRectangle(viewer.viewport.getBounds(true));
      const zoom = viewer.viewport.viewportToImageZoom(viewer.viewport.getZoom(true));
      if (zoom < 0.02) {
        cellsRef.current = [];
        setCellNote('Zoom in to see cells');
        return redraw();
      }
      const x = Math.max(0, b.x);
      const y = Math.max(0, b.y);
      const width = Math.min(p.slide.width, b.x + b.width) - x;
      const height = Math.min(p.slide.height, b.y + b.height) - y;
      if (width <= 0 || height <= 0) return;
      const r = await api.listCells({ runId: p.runId, bounds: { x, y, width, height }, order: 'position', limit: 3000 });
      if (!r.ok) return;
      cellsRef.current = r.value.cells;
      setCellNote(r.value.total > r.value.cells.length ? `Showing ${r.value.cells.length} of ${r.value.total} cells in view` : null);
      redraw();
    }, 120);
  };

  // Create the viewer once per slide.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const ts = props.slide.tileSource;
    installOsdCspShim();
    const viewer = OpenSeadragon({
      element: host,
      tileSources: {
        width: ts.width,
        height: ts.height,
        tileSize: ts.tileSize,
        tileOverlap: ts.overlap,
        minLevel: ts.minLevel,
        maxLevel: ts.maxLevel,
        getTileUrl: (level: number, x: number, y: number) =>
          pixelUrl(ts.tileUrlTemplate.replace('{level}', String(level)).replace('{col}', String(x)).replace('{row}', String(y))),
      } as unknown as OpenSeadragon.TileSourceOptions,
      drawer: 'canvas',
      showNavigationControl: false,
      showNavigator: props.showNavigator ?? false,
      navigatorPosition: 'BOTTOM_RIGHT',
      navigatorSizeRatio: 0.18,
      animationTime: 0.6,
      // Load the tiles of the level the view needs at once instead of climbing the pyramid level by level.
      immediateRender: true,
      // Ask for several tiles per frame (OpenSeadragon's default is one after a short burst): a fresh
      // view of 20-30 tiles otherwise waits a frame per tile; the host answers a tile in a few ms.
      maxTilesPerFrame: 8,
      maxZoomPixelRatio: 2,
      visibilityRatio: 0.5,
      crossOriginPolicy: false,
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
    } as OpenSeadragon.Options);
    viewerRef.current = viewer;
    const onChange = () => {
      redraw();
      fetchCells();
    };
    let opened = false;
    const onOpen = () => {
      if (opened) return;
      opened = true;
      setReady(true);
      onChange();
    };
    viewer.addHandler('open', onOpen);
    // OpenSeadragon may open an inline tile source before these handlers exist: check now, and take
    // the world's first image as opened too (it is added just before 'open' is raised), which also
    // covers any image added after this line.
    viewer.world.addHandler('add-item', onOpen);
    if (viewer.world.getItemCount() > 0) onOpen();
    viewer.addHandler('animation', redraw);
    viewer.addHandler('animation-finish', onChange);
    viewer.addHandler('resize', onChange);
    viewer.addHandler('open-failed', () => useAppStore.getState().showError({ code: 'SLIDE_READ_FAILED', message: 'The viewer could not load the slide tiles' }));
    viewer.addHandler('canvas-click', (e) => {
      const p = propsRef.current;
      if (!p.onCellClick || !e.quick) return;
      const pt = viewer.viewport.viewerElementToImageCoordinates(e.position);
      let best: CellSummary | null = null;
      let bestD = Infinity;
      for (const c of cellsRef.current) {
        const dd = (c.x - pt.x) ** 2 + (c.y - pt.y) ** 2;
        if (dd < bestD) {
          bestD = dd;
          best = c;
        }
      }
      const zoom = viewer.viewport.viewportToImageZoom(viewer.viewport.getZoom(true));
      if (best && Math.sqrt(bestD) * zoom < 20) p.onCellClick(best);
    });
    return () => {
      viewer.destroy();
      viewerRef.current = null;
      setReady(false);
    };
  }, [props.slide.slideId]);

  // Region drawing: panning off while drawing; the overlay takes the pointer.
  useEffect(() => {
    viewerRef.current?.setMouseNavEnabled(!props.drawing);
  }, [props.drawing, ready]);

  useEffect(() => {
    const f = props.focus;
    const viewer = viewerRef.current;
    if (!f || !viewer || !ready) return;
    const half = f.zoomWidth / 2;
    const r = viewer.viewport.imageToViewportRectangle(f.x - half, f.y - half, f.zoomWidth, f.zoomWidth);
    // Jump, do not glide: in review the focus moves with every keystroke.
    viewer.viewport.fitBounds(r, true);
  }, [props.focus?.seq, ready]);

  useEffect(() => {
    fetchCells();
    redraw();
  }, [props.runId, props.revision, props.showOverlay, ready]);

  useEffect(redraw, [props.drawn, props.proposals, props.chosen, props.highlightCellId, taxonomy]);

  const toImage = (e: React.PointerEvent) => {
    const viewer = viewerRef.current!;
    const box = hostRef.current!.getBoundingClientRect();
    const pt = viewer.viewport.viewerElementToImageCoordinates(new OpenSeadragon.Point(e.clientX - box.left, e.clientY - box.top));
    return new OpenSeadragon.Point(Math.max(0, Math.min(props.slide.width, pt.x)), Math.max(0, Math.min(props.slide.height, pt.y)));
  };

  return (
    <div className="viewer" aria-label={props.label} role="region" data-ready={ready ? 'true' : 'false'}>
      <div ref={hostRef} className="osd" />
      <canvas
        ref={canvasRef}
        className={`overlay${props.drawing ? ' overlay-drawing' : ''}`}
        aria-hidden="true"
        onPointerDown={(e) => {
          if (!props.drawing) return;
          (e.target as HTMLElement).setPointerCapture(e.pointerId);
          const p = toImage(e);
          drawRef.current = { start: p, now: p };
        }}
        onPointerMove={(e) => {
          if (!drawRef.current) return;
          drawRef.current.now = toImage(e);
          redraw();
        }}
        onPointerUp={() => {
          const d = drawRef.current;
          drawRef.current = null;
          if (!d) return;
          const rect = { x: Math.min(d.start.x, d.now.x), y: Math.min(d.start.y, d.now.y), width: Math.abs(d.now.x - d.start.x), height: Math.abs(d.now.y - d.start.y) };
          if (rect.width >= 16 && rect.height >= 16) props.onRegionDrawn?.({ x: Math.round(rect.x), y: Math.round(rect.y), width: Math.round(rect.width), height: Math.round(rect.height) });
          redraw();
        }}
      />
      {scale && (
        <div className="scalebar" aria-label={`Scale bar: ${scale.label}`}>
          <div className="scalebar-line" style={{ width: `${scale.px}px` }} />
          <span>{scale.label}</span>
        </div>
      )}
      {!props.slide.mpp && <div className="scalebar scalebar-missing">No µm scale: uncalibrated slide</div>}
      {cellNote && <div className="viewer-note">{cellNote}</div>}
      <div className="viewer-zoom" role="toolbar" aria-label={`${props.label} zoom`}>
        <button type="button" className="btn btn-icon" aria-label="Zoom in" onClick={() => viewerRef.current?.viewport.zoomBy(1.5)}>
          +
        </button>
        <button type="button" className="btn btn-icon" aria-label="Zoom out" onClick={() => viewerRef.current?.viewport.zoomBy(1 / 1.5)}>
          −
        </button>
        <button type="button" className="btn btn-icon" aria-label="Whole slide" onClick={() => viewerRef.current?.viewport.goHome()}>
          ⌂
        </button>
      </div>
    </div>
  );
}
