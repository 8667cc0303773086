import type { Roi, RegionProposal } from '../../shared/domain/Roi.js';
import { clipPolygonToRect, tilePolygons, type Point } from '../../shared/domain/geometry.js';
import type { GeoJsonPolygon, NewRegion } from '../store/index.js';
import { rectPolygon } from './rectPolygon.js';

/**
 * Splits manual regions of interest into analysis regions of at most tileSize × tileSize level-0 px
 * (DeepHeme's 512): each tile of the slide-wide grid that overlaps a polygon becomes one region whose
 * geometry is the polygon clipped to the tile, so every cell inside the drawing is counted once.
 * Holes are ignored (a drawn ring is counted whole): reviewers draw outer boundaries. Overlapping
 * drawings are each counted in full; draw disjoint regions.
 */
export function planManualRegions(rois: readonly Roi[], tileSize = 512): NewRegion[] {
  const out: NewRegion[] = [];
  for (const roi of rois) {
    for (const polygon of roi.polygons) {
      const outer = { exterior: polygon.exterior, holes: [] };
      for (const tile of tilePolygons([outer], { tileSize, keep: { kind: 'area', minFraction: 1e-9 } })) {
        const clipped = clipPolygonToRect(outer, tile);
        if (!clipped || clipped.exterior.length < 3) continue;
        out.push({
          orderIndex: out.length,
          geometry: ringPolygon(clipped.exterior),
          source: 'manual',
          quality: { roiId: roi.id, roiName: roi.name, tile },
        });
      }
    }
  }
  return out;
}

/** Turns automatic proposals (best first) into analysis regions that keep their scores and reason. */
export function planProposedRegions(proposals: readonly RegionProposal[]): NewRegion[] {
  return proposals.map((p, i) => ({
    orderIndex: i,
    geometry: rectPolygon(p.rect.x, p.rect.y, p.rect.width, p.rect.height),
    source: 'automatic',
    quality: { rank: p.rank, scores: p.scores, measurements: p.measurements, reason: p.reason },
  }));
}

function ringPolygon(ring: readonly Point[]): GeoJsonPolygon {
  const coords = ring.map((p) => [p.x, p.y] as [number, number]);
  coords.push([ring[0]!.x, ring[0]!.y]);
  return { type: 'Polygon', coordinates: [coords] };
}
