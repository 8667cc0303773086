/** Every error code the app can return; the renderer maps each to user-facing wording. */
export const ERROR_CODES = [
  'SLIDE_NOT_FOUND',
  'SLIDE_UNSUPPORTED_FORMAT',
  'SLIDE_READ_FAILED',
  'SLIDE_CLOSED',
  'CALIBRATION_MISSING',
  'MODEL_MANIFEST_INVALID',
  'MODEL_HASH_MISMATCH',
  'MODEL_LOAD_FAILED',
  'IMAGE_UNREADABLE',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'STORE_FAILED',
  'DISK_FULL',
  'ANALYSIS_CANCELLED',
  'ANALYSIS_FAILED',
  'REPORT_SIGNED',
  'NATIVE_ADDON_MISSING',
  'INTERNAL',
  'INFERENCE_FAILED',
  'STORE_VERSION_UNSUPPORTED',
  'AUTHENTICATION_FAILED',
  'SIGNOFF_BLOCKED',
  'AUDIT_CHAIN_BROKEN',
  'EXPORT_FAILED',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** True when `value` is a known error code. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
