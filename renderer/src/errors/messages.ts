/**
 * Every user-facing error wording, in one file. Codes come from the host; the host's own message
 * (which names the exact field or file) is shown under the title as the detail.
 */
import type { ErrorCode } from '../../../electron/shared/errors/ErrorCode.js';
import type { ErrorInfo } from '../../../electron/shared/errors/AppError.js';

interface Wording {
  readonly title: string;
  readonly advice: string;
}

const WORDING = {
  SLIDE_NOT_FOUND: { title: 'Slide file not found', advice: 'Check that the file exists and that the drive or share is connected.' },
  SLIDE_UNSUPPORTED_FORMAT: { title: 'This file is not a slide Marrowscope can read', advice: 'Open an Aperio (.svs), Hamamatsu (.ndpi), Leica (.scn), MIRAX (.mrxs) or pyramidal TIFF slide.' },
  SLIDE_READ_FAILED: { title: 'The slide could not be read', advice: 'The file may be damaged or incompletely copied. Try another copy of the slide.' },
  SLIDE_CLOSED: { title: 'The slide was closed', advice: 'Open the slide again from the worklist.' },
  CALIBRATION_MISSING: { title: 'The slide has no pixel size (µm per pixel)', advice: 'Cell analysis and measurements need a calibrated slide. Rescan or export it with its resolution.' },
  MODEL_MANIFEST_INVALID: { title: 'The classification model is not installed correctly', advice: 'Reinstall Marrowscope or restore the models folder.' },
  MODEL_HASH_MISMATCH: { title: 'The classification model files do not match their manifest', advice: 'A model file was changed or replaced. Reinstall the models; no analysis runs on unverified models.' },
  MODEL_LOAD_FAILED: { title: 'The classification model could not be loaded', advice: 'Reinstall the models. The rest of the workstation keeps working.' },
  IMAGE_UNREADABLE: { title: 'An image could not be read', advice: 'The file may be damaged.' },
  VALIDATION_FAILED: { title: 'The request was not valid', advice: 'The detail below says which value was wrong.' },
  NOT_FOUND: { title: 'Not found', advice: 'It may have been closed or removed. Reload the worklist.' },
  STORE_FAILED: { title: 'The case database could not be used', advice: 'Nothing was recorded. Check the database file and that the disk is writable.' },
  DISK_FULL: { title: 'The disk is full', advice: 'Free some space; nothing was recorded for this step.' },
  ANALYSIS_CANCELLED: { title: 'The analysis was cancelled', advice: 'Cells found before cancelling are kept.' },
  ANALYSIS_FAILED: { title: 'The analysis failed', advice: 'Cells found before the failure are kept. The detail below says what went wrong.' },
  REPORT_SIGNED: { title: 'The report is already signed', advice: 'A signed report cannot change: open an amendment on the Sign-off screen, make the change, and sign the new version.' },
  NATIVE_ADDON_MISSING: { title: 'A part of Marrowscope is not installed', advice: 'Run scripts/setup.sh (or reinstall).' },
  INTERNAL: { title: 'Something went wrong inside Marrowscope', advice: 'Your recorded decisions are safe. Please report this with the detail below.' },
  INFERENCE_FAILED: { title: 'Cell classification failed', advice: 'The detail below says what went wrong.' },
  STORE_VERSION_UNSUPPORTED: { title: 'This case database was written by a newer Marrowscope', advice: 'Open it with the newer version; this one will not change it.' },
  AUTHENTICATION_FAILED: { title: 'Your identity could not be confirmed', advice: 'Check your user name and password and try again. Nothing was signed.' },
  SIGNOFF_BLOCKED: { title: 'The case cannot be signed yet', advice: 'The detail below says what must be resolved first (deferred cells, too few cells counted, ...).' },
  AUDIT_CHAIN_BROKEN: { title: 'The audit trail of this case file has been altered', advice: 'Do not sign or report from this file. Keep it for investigation; the detail names the first broken entry.' },
  EXPORT_FAILED: { title: 'The export could not be written', advice: 'Choose another folder (one you can write to) and export again; nothing half-written was left behind.' },
} satisfies Record<string, Wording>;

// Every ErrorCode needs wording here: test/unit/api/errorWording.test.ts checks it (a missing one
// falls back to the INTERNAL wording at run time rather than breaking the build).
const WORDINGS: Readonly<Partial<Record<ErrorCode, Wording>>> = WORDING;

/** Title, advice and detail for an error from the host. */
export function describeError(error: ErrorInfo): { title: string; advice: string; detail: string } {
  const w = WORDINGS[error.code] ?? WORDING.INTERNAL;
  return { ...w, detail: error.message };
}

/** Fixed wording for states that are not errors from the host. */
export const NOTICES = {
  noStore: 'No case database is open: slides can be viewed, but analysis results and review decisions cannot be recorded.',
  analysisUnavailable: 'Cell analysis is not available in this installation.',
  proposalsUnavailable: 'Automatic region proposals are not available in this installation.',
  uncalibrated: 'No pixel size: no scale bar, and cell analysis is not possible on this slide.',
  dropNeedsDesktop: 'The browser does not reveal where a dropped file lives. Use “Open slide…” to choose it, or use the desktop app.',
  nothingSelected: 'Select one or more cells first (click, Shift+click or Ctrl+click).',
} as const;
