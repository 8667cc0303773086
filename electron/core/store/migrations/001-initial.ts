import type { Migration } from './Migration.js';

/**
 * The case file's first schema: slides, analysis runs (provenance), regions, cells, append-only
 * review decisions with the derived current label, and the hash-chained audit log. Tables are
 * STRICT so a wrong type is an error, not a silent conversion. Never edit once released.
 */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
PRAGMA application_id = 1297240899;

CREATE TABLE schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TEXT NOT NULL
) STRICT;

CREATE TABLE slides (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  quick_hash TEXT NOT NULL UNIQUE CHECK (length(quick_hash) > 0),
  vendor TEXT NOT NULL,
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  mpp_x REAL CHECK (mpp_x IS NULL OR mpp_x > 0),
  mpp_y REAL CHECK (mpp_y IS NULL OR mpp_y > 0),
  calibration_source TEXT,
  objective_power REAL CHECK (objective_power IS NULL OR objective_power > 0),
  added_at TEXT NOT NULL,
  CHECK ((mpp_x IS NULL) = (mpp_y IS NULL)),
  CHECK ((mpp_x IS NULL) = (calibration_source IS NULL))
) STRICT;

CREATE TRIGGER slides_identity_fixed BEFORE UPDATE ON slides
WHEN NEW.id IS NOT OLD.id OR NEW.quick_hash IS NOT OLD.quick_hash OR NEW.vendor IS NOT OLD.vendor OR NEW.width IS NOT OLD.width
  OR NEW.height IS NOT OLD.height OR NEW.mpp_x IS NOT OLD.mpp_x OR NEW.mpp_y IS NOT OLD.mpp_y
  OR NEW.calibration_source IS NOT OLD.calibration_source OR NEW.objective_power IS NOT OLD.objective_power OR NEW.added_at IS NOT OLD.added_at
BEGIN SELECT RAISE(ABORT, 'only a slide''s path can change (when the file moves)'); END;
CREATE TRIGGER slides_no_delete BEFORE DELETE ON slides
BEGIN SELECT RAISE(ABORT, 'slides cannot be deleted'); END;

CREATE TABLE analysis_runs (
  id INTEGER PRIMARY KEY,
  slide_id INTEGER NOT NULL REFERENCES slides(id),
  manifest_hash TEXT NOT NULL,
  member_hashes TEXT NOT NULL CHECK (json_valid(member_hashes)),
  class_codes TEXT NOT NULL CHECK (json_valid(class_codes) AND json_type(class_codes) = 'array'),
  app_version TEXT NOT NULL,
  parameters TEXT NOT NULL CHECK (json_valid(parameters)),
  provider TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
  error_code TEXT,
  error_message TEXT,
  CHECK ((status = 'running') = (finished_at IS NULL)),
  CHECK (status IN ('failed', 'cancelled') OR error_code IS NULL)
) STRICT;
CREATE INDEX analysis_runs_by_slide ON analysis_runs (slide_id, id);

CREATE TRIGGER analysis_runs_provenance_fixed BEFORE UPDATE ON analysis_runs
WHEN NEW.id IS NOT OLD.id OR NEW.slide_id IS NOT OLD.slide_id OR NEW.manifest_hash IS NOT OLD.manifest_hash
  OR NEW.member_hashes IS NOT OLD.member_hashes OR NEW.class_codes IS NOT OLD.class_codes
  OR NEW.app_version IS NOT OLD.app_version OR NEW.parameters IS NOT OLD.parameters OR NEW.started_at IS NOT OLD.started_at
BEGIN SELECT RAISE(ABORT, 'analysis run provenance cannot change'); END;
CREATE TRIGGER analysis_runs_finished_fixed BEFORE UPDATE ON analysis_runs WHEN OLD.status <> 'running'
BEGIN SELECT RAISE(ABORT, 'a finished analysis run cannot change'); END;
CREATE TRIGGER analysis_runs_no_delete BEFORE DELETE ON analysis_runs
BEGIN SELECT RAISE(ABORT, 'analysis runs are kept for provenance and cannot be deleted'); END;

CREATE TABLE regions (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES analysis_runs(id),
  order_index INTEGER NOT NULL CHECK (order_index >= 0),
  geometry TEXT NOT NULL CHECK (json_valid(geometry)),
  min_x REAL NOT NULL,
  min_y REAL NOT NULL,
  max_x REAL NOT NULL,
  max_y REAL NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('manual', 'automatic')),
  quality TEXT CHECK (quality IS NULL OR json_valid(quality)),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
  cell_count INTEGER CHECK (cell_count IS NULL OR cell_count >= 0),
  completed_at TEXT,
  UNIQUE (run_id, order_index),
  CHECK (min_x <= max_x AND min_y <= max_y),
  CHECK ((status = 'done') = (completed_at IS NOT NULL)),
  CHECK ((status = 'done') = (cell_count IS NOT NULL))
) STRICT;
CREATE TRIGGER regions_run_running BEFORE INSERT ON regions
WHEN (SELECT status FROM analysis_runs WHERE id = NEW.run_id) IS NOT 'running'
BEGIN SELECT RAISE(ABORT, 'regions can be added only to a running analysis run'); END;
CREATE TRIGGER regions_done_fixed BEFORE UPDATE ON regions WHEN OLD.status = 'done'
BEGIN SELECT RAISE(ABORT, 'a completed region cannot change'); END;
CREATE TRIGGER regions_geometry_fixed BEFORE UPDATE ON regions
WHEN NEW.id IS NOT OLD.id OR NEW.run_id IS NOT OLD.run_id OR NEW.order_index IS NOT OLD.order_index OR NEW.geometry IS NOT OLD.geometry
  OR NEW.min_x IS NOT OLD.min_x OR NEW.min_y IS NOT OLD.min_y OR NEW.max_x IS NOT OLD.max_x OR NEW.max_y IS NOT OLD.max_y
  OR NEW.source IS NOT OLD.source
BEGIN SELECT RAISE(ABORT, 'region geometry cannot change'); END;
CREATE TRIGGER regions_no_delete BEFORE DELETE ON regions
BEGIN SELECT RAISE(ABORT, 'regions cannot be deleted'); END;

CREATE TABLE cells (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES analysis_runs(id),
  region_id INTEGER NOT NULL REFERENCES regions(id),
  local_index INTEGER NOT NULL CHECK (local_index >= 0),
  x REAL NOT NULL,
  y REAL NOT NULL,
  bbox_x REAL NOT NULL,
  bbox_y REAL NOT NULL,
  bbox_w REAL NOT NULL CHECK (bbox_w >= 0),
  bbox_h REAL NOT NULL CHECK (bbox_h >= 0),
  outline TEXT CHECK (outline IS NULL OR json_valid(outline)),
  measurements TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(measurements)),
  crop BLOB,
  probabilities BLOB NOT NULL CHECK (length(probabilities) > 0 AND length(probabilities) % 4 = 0),
  predicted_code TEXT NOT NULL,
  entropy REAL,
  mutual_information REAL,
  agreement REAL,
  margin REAL,
  UNIQUE (run_id, region_id, local_index)
) STRICT;
CREATE INDEX cells_by_predicted ON cells (run_id, predicted_code);
CREATE INDEX cells_by_entropy ON cells (run_id, entropy DESC);
CREATE INDEX cells_by_region ON cells (region_id);
CREATE TRIGGER cells_region_pending BEFORE INSERT ON cells
WHEN NOT EXISTS (SELECT 1 FROM regions r JOIN analysis_runs a ON a.id = r.run_id
                 WHERE r.id = NEW.region_id AND r.run_id = NEW.run_id AND r.status = 'pending' AND a.status = 'running')
BEGIN SELECT RAISE(ABORT, 'cells can be added only to a pending region of their own running analysis run'); END;
CREATE TRIGGER cells_no_update BEFORE UPDATE ON cells
BEGIN SELECT RAISE(ABORT, 'cells are model output and cannot change; record a review decision instead'); END;
CREATE TRIGGER cells_no_delete BEFORE DELETE ON cells
BEGIN SELECT RAISE(ABORT, 'cells cannot be deleted'); END;

CREATE TABLE review_decisions (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL CHECK (batch_id > 0),
  cell_id INTEGER NOT NULL REFERENCES cells(id),
  action TEXT NOT NULL CHECK (action IN ('reclassify', 'confirm', 'defer', 'undo', 'redo')),
  label_code TEXT,
  reviewer TEXT NOT NULL CHECK (length(reviewer) > 0),
  decided_at TEXT NOT NULL,
  undo_of INTEGER REFERENCES review_decisions(id),
  note TEXT,
  CHECK ((action = 'undo') = (label_code IS NULL)),
  CHECK ((action IN ('undo', 'redo')) = (undo_of IS NOT NULL)),
  CHECK (action IN ('confirm', 'redo', 'undo') OR (action = 'defer') = (label_code = 'DEFER'))
) STRICT;
CREATE UNIQUE INDEX review_decisions_reversed_once ON review_decisions (undo_of) WHERE undo_of IS NOT NULL;
CREATE INDEX review_decisions_by_cell ON review_decisions (cell_id, id);
CREATE INDEX review_decisions_by_reviewer_batch ON review_decisions (reviewer, batch_id);
CREATE TRIGGER review_decisions_undo_target BEFORE INSERT ON review_decisions
WHEN NEW.action = 'undo' AND NOT EXISTS (
  SELECT 1 FROM review_decisions t WHERE t.id = NEW.undo_of AND t.cell_id = NEW.cell_id AND t.action <> 'undo')
BEGIN SELECT RAISE(ABORT, 'undo must reverse a labelling decision on the same cell'); END;
CREATE TRIGGER review_decisions_redo_target BEFORE INSERT ON review_decisions
WHEN NEW.action = 'redo' AND NOT EXISTS (
  SELECT 1 FROM review_decisions u JOIN review_decisions t ON t.id = u.undo_of
  WHERE u.id = NEW.undo_of AND u.action = 'undo' AND u.cell_id = NEW.cell_id AND t.label_code = NEW.label_code)
BEGIN SELECT RAISE(ABORT, 'redo must reverse an undo on the same cell and restore its label'); END;
CREATE TRIGGER review_decisions_no_update BEFORE UPDATE ON review_decisions
BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;
CREATE TRIGGER review_decisions_no_delete BEFORE DELETE ON review_decisions
BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;

CREATE VIEW cell_labels AS
SELECT c.id AS cell_id, c.run_id AS run_id, c.predicted_code AS predicted_code,
       d.id AS decision_id, d.label_code AS reviewed_code, d.reviewer AS reviewer, d.decided_at AS decided_at,
       COALESCE(d.label_code, c.predicted_code) AS label_code
FROM cells c
LEFT JOIN review_decisions d ON d.id = (
  SELECT e.id FROM review_decisions e
  WHERE e.cell_id = c.id AND e.action <> 'undo'
    AND NOT EXISTS (SELECT 1 FROM review_decisions u WHERE u.undo_of = e.id)
  ORDER BY e.id DESC LIMIT 1);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
) STRICT;
CREATE TRIGGER audit_log_linked BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log)
  OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'audit entries must extend the chain'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`,
};
