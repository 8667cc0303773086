/** Reports (PDF, CSV, FHIR R4, QuPath GeoJSON) and case bundles, from a signed (or draft) case. */
export { buildReportModel, LIMITATIONS } from './buildReportModel.js';
export type { BuildReportOptions } from './buildReportModel.js';
export type { GalleryRow, ReportModel, ReportModelInfo } from './ReportModel.js';
export { renderReport, REPORT_FORMATS } from './renderReport.js';
export type { RenderedFile, RenderedReport, ReportFormat } from './renderReport.js';
export { exportReport, reportFilePaths } from './exportReport.js';
export type { WrittenFile } from './exportReport.js';
export { renderReportPdf } from './renderReportPdf.js';
export { reportToCsv, csvField } from './reportToCsv.js';
export { reportToFhir } from './reportToFhir.js';
export { fhirBundleSchema } from './fhirR4Schema.js';
export type { FhirBundle } from './fhirR4Schema.js';
export { exportCaseBundle, importCaseBundle } from './caseBundle.js';
export type { BundleExport, BundleImport } from './caseBundle.js';
