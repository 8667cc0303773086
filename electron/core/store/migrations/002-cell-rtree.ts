import type { Migration } from './Migration.js';

/**
 * A spatial index (SQLite R*Tree) over cell bounding boxes in level-0 pixels, so the viewer's
 * "cells in this viewport" query does not scan every cell. Backfills cells already stored; kept
 * current by an insert trigger (cells never change or go away, see 001). R*Tree stores 32-bit
 * floats rounded outward, so it returns a superset that the query then filters exactly.
 */
export const migration002: Migration = {
  version: 2,
  name: 'cell-rtree',
  sql: `
CREATE VIRTUAL TABLE cells_rtree USING rtree (id, min_x, max_x, min_y, max_y);
INSERT INTO cells_rtree (id, min_x, max_x, min_y, max_y)
  SELECT id, bbox_x, bbox_x + bbox_w, bbox_y, bbox_y + bbox_h FROM cells;
CREATE TRIGGER cells_rtree_insert AFTER INSERT ON cells
BEGIN
  INSERT INTO cells_rtree (id, min_x, max_x, min_y, max_y)
  VALUES (NEW.id, NEW.bbox_x, NEW.bbox_x + NEW.bbox_w, NEW.bbox_y, NEW.bbox_y + NEW.bbox_h);
END;
`,
};
