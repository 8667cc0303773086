/** Electronic sign-off: reviewer authentication, signatures, amendments, verification and audit views. */
export { addReviewer, amendReport, authenticate, changePassword, listSignatures, secondSign, signoffStatus, signReport } from './signoff.js';
export type { SignerCredentials, SignoffStatus } from './signoff.js';
export { hashPassword, verifyPassword, MIN_PASSWORD_LENGTH, SCRYPT_PARAMS } from './passwordHash.js';
export { DEFAULT_DIFFERENTIAL_CHOICE, resolveDifferentialChoice, signoffSnapshot } from './signoffSnapshot.js';
export type { DifferentialChoice, SignoffSnapshot } from './signoffSnapshot.js';
export { verifySignatures } from './verifySignatures.js';
export type { SignatureProblem } from './verifySignatures.js';
export { auditEntryDetails, caseAuditTrail, cellAuditTrail, describeAuditEntry } from './auditTrail.js';
export type { CellAuditTrail } from './auditTrail.js';
