import type { Migration } from './Migration.js';

/**
 * Electronic sign-off (21 CFR 11.50/11.70 style): reviewer profiles, their password hashes kept
 * in a separate table (replaced on a password change, left out of case bundles), user-entered case
 * identifiers (append-only; the newest row is current), report versions per analysis run (version
 * 1, then amendments that keep every earlier signed version), and append-only signatures (printed
 * name, time, meaning, what was signed, the audit head that records it). A signed latest version
 * locks its run: new review decisions on its cells are refused until an amendment is opened.
 * Trigger messages that start "REPORT_SIGNED:" name that condition. Never edit once released.
 */
export const migration003: Migration = {
  version: 3,
  name: 'signoff',
  sql: `
CREATE TABLE reviewers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  initials TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(initials) BETWEEN 1 AND 8),
  role TEXT NOT NULL CHECK (length(trim(role)) > 0),
  added_at TEXT NOT NULL
) STRICT;
CREATE TRIGGER reviewers_fixed BEFORE UPDATE ON reviewers
BEGIN SELECT RAISE(ABORT, 'reviewer profiles cannot change: signatures refer to them'); END;
CREATE TRIGGER reviewers_no_delete BEFORE DELETE ON reviewers
BEGIN SELECT RAISE(ABORT, 'reviewer profiles cannot be deleted: signatures refer to them'); END;

CREATE TABLE reviewer_credentials (
  reviewer_id INTEGER PRIMARY KEY REFERENCES reviewers(id),
  password_hash TEXT NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
  set_at TEXT NOT NULL
) STRICT;

CREATE TABLE case_details (
  id INTEGER PRIMARY KEY,
  case_number TEXT,
  patient_id TEXT,
  patient_name TEXT,
  birth_date TEXT,
  specimen TEXT,
  clinician TEXT,
  entered_by TEXT NOT NULL,
  entered_at TEXT NOT NULL
) STRICT;
CREATE TRIGGER case_details_no_update BEFORE UPDATE ON case_details
BEGIN SELECT RAISE(ABORT, 'case details are append-only: add a new entry'); END;
CREATE TRIGGER case_details_no_delete BEFORE DELETE ON case_details
BEGIN SELECT RAISE(ABORT, 'case details are append-only'); END;

CREATE TABLE report_versions (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES analysis_runs(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  amends INTEGER REFERENCES report_versions(id),
  reason TEXT,
  opened_by TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'signed')),
  signed_at TEXT,
  snapshot TEXT CHECK (snapshot IS NULL OR json_valid(snapshot)),
  snapshot_hash TEXT,
  UNIQUE (run_id, version),
  CHECK ((version = 1) = (amends IS NULL)),
  CHECK ((amends IS NULL) = (reason IS NULL)),
  CHECK ((status = 'signed') = (signed_at IS NOT NULL)),
  CHECK ((status = 'signed') = (snapshot IS NOT NULL)),
  CHECK ((status = 'signed') = (snapshot_hash IS NOT NULL))
) STRICT;
CREATE TRIGGER report_versions_sign_once BEFORE UPDATE ON report_versions
WHEN OLD.status <> 'open' OR NEW.status <> 'signed' OR NEW.id IS NOT OLD.id OR NEW.run_id IS NOT OLD.run_id
  OR NEW.version IS NOT OLD.version OR NEW.amends IS NOT OLD.amends OR NEW.reason IS NOT OLD.reason
  OR NEW.opened_by IS NOT OLD.opened_by OR NEW.opened_at IS NOT OLD.opened_at
BEGIN SELECT RAISE(ABORT, 'REPORT_SIGNED: a signed report version cannot change; open an amendment'); END;
CREATE TRIGGER report_versions_no_delete BEFORE DELETE ON report_versions
BEGIN SELECT RAISE(ABORT, 'report versions are kept and cannot be deleted'); END;
CREATE TRIGGER report_versions_amend_signed BEFORE INSERT ON report_versions
WHEN NEW.version > 1 AND NOT EXISTS (
  SELECT 1 FROM report_versions p WHERE p.id = NEW.amends AND p.run_id = NEW.run_id AND p.version = NEW.version - 1 AND p.status = 'signed')
BEGIN SELECT RAISE(ABORT, 'an amendment must follow the signed previous version of the same run'); END;

CREATE TABLE signatures (
  id INTEGER PRIMARY KEY,
  version_id INTEGER NOT NULL REFERENCES report_versions(id),
  reviewer_id INTEGER NOT NULL REFERENCES reviewers(id),
  capacity TEXT NOT NULL CHECK (capacity IN ('primary', 'second')),
  meaning TEXT NOT NULL CHECK (meaning IN ('reviewed', 'approved')),
  printed_name TEXT NOT NULL,
  initials TEXT NOT NULL,
  role TEXT NOT NULL,
  signed_at TEXT NOT NULL,
  snapshot_hash TEXT NOT NULL,
  deferred_cells INTEGER NOT NULL CHECK (deferred_cells >= 0),
  override_reason TEXT,
  disagreements TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(disagreements) AND json_type(disagreements) = 'array'),
  audit_seq INTEGER NOT NULL,
  audit_hash TEXT NOT NULL,
  UNIQUE (version_id, capacity),
  CHECK (deferred_cells = 0 OR length(trim(override_reason)) > 0)
) STRICT;
CREATE TRIGGER signatures_second_after_primary BEFORE INSERT ON signatures
WHEN NEW.capacity = 'second' AND NOT EXISTS (
  SELECT 1 FROM signatures s WHERE s.version_id = NEW.version_id AND s.capacity = 'primary' AND s.reviewer_id <> NEW.reviewer_id)
BEGIN SELECT RAISE(ABORT, 'a second signature needs a primary signature by another reviewer'); END;
CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;
CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;

CREATE TRIGGER review_decisions_signed_lock BEFORE INSERT ON review_decisions
WHEN EXISTS (
  SELECT 1 FROM report_versions v
  WHERE v.run_id = (SELECT run_id FROM cells WHERE id = NEW.cell_id) AND v.status = 'signed'
    AND v.version = (SELECT max(w.version) FROM report_versions w WHERE w.run_id = v.run_id))
BEGIN SELECT RAISE(ABORT, 'REPORT_SIGNED: the report of this cell''s analysis run is signed; open an amendment before changing labels'); END;
`,
};
