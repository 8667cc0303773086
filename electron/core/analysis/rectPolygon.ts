import type { GeoJsonPolygon } from '../store/index.js';

/** A level-0 rectangle as a closed GeoJSON polygon ring (clockwise in image coordinates). */
export function rectPolygon(x: number, y: number, width: number, height: number): GeoJsonPolygon {
  return { type: 'Polygon', coordinates: [[[x, y], [x + width, y], [x + width, y + height], [x, y + height], [x, y]]] };
}
