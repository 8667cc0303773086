import type { Differential } from '../../shared/domain/differential/index.js';
import type { NdcCategory } from '../../shared/domain/taxonomy.js';
import type { DifferentialChoice } from '../signoff/signoffSnapshot.js';
import type { AnalysisRunRecord, CaseDetailsRecord, Disagreement, ReportVersionRecord, SignatureRecord, SlideRecord } from '../store/index.js';

/** The classification model as named by its manifest (found by the run's manifest hash), or unknown. */
export interface ReportModelInfo {
  readonly name: string | null;
  readonly version: string | null;
  readonly architecture: string | null;
  readonly manifestHash: string;
  readonly memberHashes: Readonly<Record<string, string>>;
}

/** One gallery row: representative cells of a category. */
export interface GalleryRow {
  readonly category: NdcCategory;
  readonly name: string;
  readonly color: string;
  readonly count: number;
  readonly cells: readonly { readonly id: number; readonly code: string; readonly crop: Buffer | null }[];
}

/** Everything every report format prints, gathered once from the case file. */
export interface ReportModel {
  readonly generatedAt: string;
  readonly appVersion: string;
  /** True for a final report (the latest version is signed and verified); false for a draft. */
  readonly final: boolean;
  /** The signed version printed (final), or the latest version (draft), or null before any signature. */
  readonly version: ReportVersionRecord | null;
  readonly versions: readonly ReportVersionRecord[];
  /** Signatures of the printed version. */
  readonly signatures: readonly SignatureRecord[];
  readonly disagreements: readonly Disagreement[];
  readonly caseDetails: CaseDetailsRecord | null;
  readonly slide: SlideRecord;
  readonly run: AnalysisRunRecord;
  readonly model: ReportModelInfo;
  readonly regions: { readonly count: number; readonly manual: number; readonly automatic: number; readonly areaMm2: number | null };
  readonly cellsDetected: number;
  readonly review: { readonly reviewedCells: number; readonly relabelledCells: number; readonly deferredCells: number };
  readonly choice: DifferentialChoice;
  readonly differential: Differential;
  readonly gallery: readonly GalleryRow[];
  readonly audit: { readonly headSeq: number; readonly headHash: string; readonly chainIntact: boolean };
  readonly limitations: readonly string[];
}
