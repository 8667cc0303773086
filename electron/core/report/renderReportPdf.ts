import PDFDocument from 'pdfkit';
import { CATEGORY_COLORS } from '../../shared/domain/classColors.js';
import type { DifferentialRow } from '../../shared/domain/differential/index.js';
import type { ReportModel } from './ReportModel.js';
import { formatInterval, formatPercent, formatUtc } from './formatReportNumbers.js';
import { reportFonts } from './reportFonts.js';

type Doc = PDFKit.PDFDocument;

const PAGE = { width: 595.28, height: 841.89 }; // A4 in points
const M = { left: 48, right: 48, top: 92, bottom: 64 };
const W = PAGE.width - M.left - M.right;
const INK = '#1a1a1a';
const MUTED = '#5f6368';
const RULE = '#c8ccd0';
const HEAD_FILL = '#eef1f4';
const ZEBRA = '#f8f9fa';
const ACCENT = '#1f3a5f';

const ME_CONVENTION_TEXT: Record<string, string> = {
  'icsh-with-monocytes': 'ICSH: granulocytic and monocytic cells with their precursors / erythroid precursors',
  'without-monocytes': 'granulocytic cells with their precursors (monocytes excluded) / erythroid precursors',
};

const BLAST_TEXT: Record<string, string> = {
  myeloidOnly: 'myeloid blasts only',
  icsh: 'ICSH 2008: myeloid, lymphoid and monocytic blasts; promonocytes with monocytes',
  whoBlastEquivalents: 'WHO/ICC: blasts plus promonocytes as blast equivalents',
  icshWithPronormoblasts: 'ICSH plus pronormoblasts',
};

/**
 * Renders the report as an A4 PDF (pdfkit, embedded DejaVu fonts): case and patient identifiers,
 * slide and scanner, regions, the differential with counts, % and 95% intervals, NDC total, M:E
 * ratio and convention, threshold notes, a per-category gallery, model and app provenance,
 * sign-off, disagreements, limitations; running header and "Page n of N" footer on every page.
 * Text is measured before it is placed, so nothing is clipped: long values wrap, tables break
 * across pages with their header repeated.
 */
export async function renderReportPdf(model: ReportModel): Promise<Buffer> {
  const fonts = reportFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: M,
    bufferPages: true,
    autoFirstPage: false,
    info: {
      Title: `Bone marrow aspirate differential${model.caseDetails?.caseNumber ? ` — ${model.caseDetails.caseNumber}` : ''}`,
      Author: model.signatures.map((s) => s.printedName).join(', ') || 'Marrowscope',
      Creator: `Marrowscope ${model.appVersion}`,
      Producer: 'Marrowscope (pdfkit)',
      CreationDate: new Date(model.generatedAt),
    },
  });
  doc.registerFont('body', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  doc.registerFont('mono', fonts.mono);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.on('pageAdded', () => pageChrome(doc, model));
  doc.addPage();

  caseSection(doc, model);
  slideSection(doc, model);
  differentialSection(doc, model);
  notesSection(doc, model);
  signoffSection(doc, model);
  gallerySection(doc, model);
  provenanceSection(doc, model);
  limitationsSection(doc, model);

  footers(doc, model);
  doc.end();
  return done;
}

/** Running header (and the DRAFT watermark) drawn on each new page. */
function pageChrome(doc: Doc, model: ReportModel): void {
  const x = M.left;
  doc.save();
  if (!model.final) {
    doc.rotate(-35, { origin: [PAGE.width / 2, PAGE.height / 2] });
    doc.font('bold').fontSize(110).fillColor('#e53935').fillOpacity(0.1);
    doc.text('DRAFT', 0, PAGE.height / 2 - 60, { width: PAGE.width, align: 'center', lineBreak: false });
    doc.rotate(35, { origin: [PAGE.width / 2, PAGE.height / 2] });
    doc.fillOpacity(1);
  }
  doc.rect(x, 34, W, 3).fill(ACCENT);
  doc.font('bold').fontSize(13).fillColor(ACCENT).text('Bone marrow aspirate differential', x, 44, { width: W - 170, lineBreak: false });
  const status = model.final ? (model.version && model.version.version > 1 ? `FINAL — AMENDED (version ${model.version.version})` : 'FINAL') : 'DRAFT — NOT SIGNED';
  doc.font('bold').fontSize(9).fillColor(model.final ? '#2e7d32' : '#c62828').text(status, x + W - 170, 47, { width: 170, align: 'right', lineBreak: false });
  const sub = [model.caseDetails?.caseNumber ? `Case ${model.caseDetails.caseNumber}` : null, model.caseDetails?.patientName ?? null, model.caseDetails?.patientId ? `ID ${model.caseDetails.patientId}` : null]
    .filter(Boolean)
    .join('  ·  ');
  doc.font('body').fontSize(8.5).fillColor(MUTED).text(sub || 'No case identifiers entered', x, 63, { width: W, lineBreak: false });
  doc.moveTo(x, 78).lineTo(x + W, 78).lineWidth(0.5).strokeColor(RULE).stroke();
  doc.restore();
  doc.x = M.left;
  doc.y = M.top;
}

/** "Page n of N", the research-use line and generation time on every page (after layout, when N is known). */
function footers(doc: Doc, model: ReportModel): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const y = PAGE.height - 44;
    // Writing below the bottom margin would make pdfkit add a page: lift the margin while drawing the footer.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.moveTo(M.left, y - 6).lineTo(M.left + W, y - 6).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.font('body').fontSize(7).fillColor(MUTED);
    doc.text(`Research use only — not validated for clinical diagnosis · Marrowscope ${model.appVersion} · ${formatUtc(model.generatedAt)}`, M.left, y, {
      width: W - 70,
      lineBreak: false,
    });
    doc.font('bold').fontSize(8).fillColor(INK).text(`Page ${i - range.start + 1} of ${range.count}`, M.left + W - 70, y, { width: 70, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > PAGE.height - M.bottom) doc.addPage();
}

function sectionTitle(doc: Doc, title: string, needBelow = 60): void {
  ensureSpace(doc, 28 + needBelow);
  doc.moveDown(0.6);
  const y = doc.y;
  doc.font('bold').fontSize(10.5).fillColor(ACCENT).text(title.toUpperCase(), M.left, y, { width: W, characterSpacing: 0.4 });
  doc.moveTo(M.left, doc.y + 1).lineTo(M.left + W, doc.y + 1).lineWidth(0.6).strokeColor(ACCENT).stroke();
  doc.y += 6;
  doc.x = M.left;
}

/** Label/value pairs in `cols` columns; values wrap within their column. */
function keyValues(doc: Doc, pairs: readonly [string, string][], cols = 2, labelWidth = 92): void {
  const colW = W / cols;
  const valueW = colW - labelWidth - 8;
  for (let i = 0; i < pairs.length; i += cols) {
    const row = pairs.slice(i, i + cols);
    const heights = row.map(([, v]) => doc.font('body').fontSize(9).heightOfString(v || '—', { width: valueW }));
    const h = Math.max(12, ...heights) + 3;
    ensureSpace(doc, h);
    const y = doc.y;
    row.forEach(([k, v], j) => {
      const x = M.left + j * colW;
      doc.font('body').fontSize(8).fillColor(MUTED).text(k, x, y + 1, { width: labelWidth, lineBreak: false });
      doc.font('body').fontSize(9).fillColor(INK).text(v || '—', x + labelWidth, y, { width: valueW });
    });
    doc.y = y + h;
  }
  doc.x = M.left;
}

interface Column {
  readonly title: string;
  readonly width: number;
  readonly align?: 'left' | 'right' | 'center';
  readonly font?: 'body' | 'bold' | 'mono';
}

/** A table whose rows wrap within their cells; the header repeats after a page break. */
function table(doc: Doc, columns: readonly Column[], rows: readonly (readonly string[])[], options: { swatches?: readonly (string | null)[]; boldRows?: ReadonlySet<number>; fontSize?: number } = {}): void {
  const size = options.fontSize ?? 8.5;
  const pad = 3;
  const header = (): void => {
    const h = Math.max(...columns.map((c) => doc.font('bold').fontSize(7.5).heightOfString(c.title, { width: c.width - 2 * pad }))) + 2 * pad;
    ensureSpace(doc, h + 16);
    const y = doc.y;
    doc.rect(M.left, y, W, h).fill(HEAD_FILL);
    let x = M.left;
    for (const c of columns) {
      doc.font('bold').fontSize(7.5).fillColor(MUTED).text(c.title, x + pad, y + pad, { width: c.width - 2 * pad, align: c.align ?? 'left' });
      x += c.width;
    }
    doc.y = y + h;
  };
  header();
  rows.forEach((row, r) => {
    const swatch = options.swatches?.[r] ?? null;
    const fontOf = (c: Column): string => (options.boldRows?.has(r) ? 'bold' : (c.font ?? 'body'));
    const h =
      Math.max(
        ...columns.map((c, i) => doc.font(fontOf(c)).fontSize(size).heightOfString(row[i] ?? '', { width: c.width - 2 * pad - (i === 0 && swatch ? 11 : 0) })),
      ) +
      2 * pad;
    if (doc.y + h > PAGE.height - M.bottom) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    if (r % 2 === 1) doc.rect(M.left, y, W, h).fill(ZEBRA);
    let x = M.left;
    columns.forEach((c, i) => {
      let tx = x + pad;
      let tw = c.width - 2 * pad;
      if (i === 0 && swatch) {
        doc.rect(tx, y + pad + 1.5, 7, 7).fill(swatch);
        tx += 11;
        tw -= 11;
      }
      doc.font(fontOf(c)).fontSize(size).fillColor(INK).text(row[i] ?? '', tx, y + pad, { width: tw, align: c.align ?? 'left' });
      x += c.width;
    });
    doc.moveTo(M.left, y + h).lineTo(M.left + W, y + h).lineWidth(0.3).strokeColor(RULE).stroke();
    doc.y = y + h;
  });
  doc.x = M.left;
  doc.moveDown(0.3);
}

/** A bold run-in heading inside a section, kept with `needBelow` points of what follows. */
function subheading(doc: Doc, text: string, needBelow: number): void {
  ensureSpace(doc, needBelow);
  doc.moveDown(0.3);
  doc.font('bold').fontSize(9).fillColor(INK).text(text, M.left, doc.y, { width: W });
  doc.y += 2;
}

function paragraph(doc: Doc, text: string, options: { size?: number; color?: string; font?: string; indent?: number } = {}): void {
  const size = options.size ?? 9;
  const indent = options.indent ?? 0;
  const h = doc.font(options.font ?? 'body').fontSize(size).heightOfString(text, { width: W - indent });
  ensureSpace(doc, h + 2);
  doc.font(options.font ?? 'body').fontSize(size).fillColor(options.color ?? INK).text(text, M.left + indent, doc.y, { width: W - indent });
  doc.y += 2;
  doc.x = M.left;
}

function caseSection(doc: Doc, model: ReportModel): void {
  const d = model.caseDetails;
  sectionTitle(doc, 'Case');
  keyValues(doc, [
    ['Case number', d?.caseNumber ?? ''],
    ['Patient name', d?.patientName ?? ''],
    ['Patient ID', d?.patientId ?? ''],
    ['Date of birth', d?.birthDate ?? ''],
    ['Specimen', d?.specimen ?? 'Bone marrow aspirate smear'],
    ['Requesting clinician', d?.clinician ?? ''],
  ]);
}

function slideSection(doc: Doc, model: ReportModel): void {
  const s = model.slide;
  const cal = s.calibration.kind === 'calibrated' ? `${s.calibration.x.toFixed(4)} × ${s.calibration.y.toFixed(4)} µm/px (${s.calibration.source})` : 'not calibrated';
  const file = s.path.split(/[\\/]/).pop() ?? s.path;
  const r = model.regions;
  sectionTitle(doc, 'Slide, scanner and regions counted');
  keyValues(doc, [
    ['Slide file', file],
    ['Scanner / format', s.vendor || 'unknown'],
    ['Dimensions', `${s.width.toLocaleString('en-GB')} × ${s.height.toLocaleString('en-GB')} px`],
    ['Pixel size', cal],
    ['Objective', s.objectivePower === null ? 'not recorded' : `${s.objectivePower}×`],
    ['Slide identity', `quick hash ${s.quickHash.slice(0, 16)}…`],
    ['Regions counted', `${r.count} (${r.automatic} automatic, ${r.manual} drawn)`],
    ['Area assessed', r.areaMm2 === null ? 'unknown (no calibration)' : `${r.areaMm2.toFixed(3)} mm²`],
    ['Cells detected', String(model.cellsDetected)],
    ['Cells reviewed', `${model.review.reviewedCells} (${model.review.relabelledCells} relabelled)`],
  ]);
}

function differentialSection(doc: Doc, model: ReportModel): void {
  const d = model.differential;
  sectionTitle(doc, 'Nucleated differential count', 200);
  const cols: Column[] = [
    { title: 'Category', width: 132 },
    { title: 'Classes', width: 96 },
    { title: 'Count', width: 40, align: 'right' },
    { title: '%', width: 40, align: 'right' },
    { title: '95% interval (%)', width: 70, align: 'right' },
    { title: 'Typical adult (%)', width: 58, align: 'right' },
    { title: 'vs typical', width: W - 436, align: 'center' },
  ];
  const flag = (r: DifferentialRow): string => (r.versusReference === 'above' ? '↑ above' : r.versusReference === 'below' ? '↓ below' : r.versusReference === 'within' ? 'within' : '');
  const rows = d.rows.map((r) => [
    r.name,
    r.codes.map((c) => `${c.code} ${c.count}`).join(', '),
    String(r.count),
    formatPercent(r.percent),
    formatInterval(r.interval),
    r.referenceRange ? `${r.referenceRange.low}–${r.referenceRange.high}` : '',
    flag(r),
  ]);
  rows.push(['Total (NDC)', '', String(d.ndcTotal), d.ndcTotal > 0 ? '100.0' : '—', '', '', '']);
  table(doc, cols, rows, { swatches: [...d.rows.map((r) => CATEGORY_COLORS[r.category]), null], boldRows: new Set([rows.length - 1]) });

  paragraph(doc, `Total nucleated cells counted (NDC): ${d.ndcTotal}   ·   M:E ratio: ${d.meRatio.display} (myeloid ${d.meRatio.myeloid}, erythroid ${d.meRatio.erythroid})`, { font: 'bold', size: 9.5 });
  paragraph(doc, `M:E convention: ${ME_CONVENTION_TEXT[d.meRatio.convention] ?? d.meRatio.convention}${d.meRatio.referenceRange ? `; typical adult ${d.meRatio.referenceRange.low}–${d.meRatio.referenceRange.high}:1` : ''}. Blast definition: ${BLAST_TEXT[model.choice.blastDefinition] ?? model.choice.blastDefinition}.`, { size: 8.5, color: MUTED });
  if (d.mitoticIndex.perThousand !== null) paragraph(doc, `Mitotic index: ${d.mitoticIndex.perThousand.toFixed(1)} per 1,000 nucleated cells (${d.mitoticIndex.mitoses} mitoses).`, { size: 8.5, color: MUTED });

  subheading(doc, 'Not counted in the NDC', 60);
  const ex = d.excluded.filter((r) => r.count > 0 || r.category === 'megakaryocytes');
  table(
    doc,
    [
      { title: 'Category', width: 180 },
      { title: 'Classes', width: 240 },
      { title: 'Count', width: W - 420, align: 'right' },
    ],
    ex.map((r) => [r.name, r.codes.map((c) => `${c.code} ${c.count}`).join(', '), String(r.count)]),
    { swatches: ex.map((r) => CATEGORY_COLORS[r.category]) },
  );
}

function notesSection(doc: Doc, model: ReportModel): void {
  const d = model.differential;
  const notes: string[] = [];
  const p = d.progress;
  if (p.status === 'below-minimum') notes.push(`Only ${p.counted} nucleated cells were counted: below the ICSH minimum of ${p.minimumTarget} (${p.remainingToMinimum} more needed); percentages are imprecise.`);
  else if (p.status === 'minimum-reached') notes.push(`${p.counted} nucleated cells counted: the ICSH minimum of ${p.minimumTarget} is reached; ${p.preciseTarget} are advised where a precise blast or plasma-cell percentage matters (${p.remainingToPrecise} more).`);
  else notes.push(`${p.counted} nucleated cells counted: at or above the ICSH target of ${p.preciseTarget} for a precise differential.`);
  for (const f of d.flags) notes.push(f.message);
  const blasts = d.rows.find((r) => r.category === 'blasts');
  if (d.flags.length === 0 && blasts?.interval) {
    notes.push(`Blast percentage ${formatPercent(blasts.percent)}% (95% interval ${formatInterval(blasts.interval)}%) does not straddle the ${d.options.blastThresholds.join(', ')}% diagnostic thresholds.`);
  }
  if (model.review.deferredCells > 0) {
    const override = model.signatures.find((s) => s.overrideReason)?.overrideReason;
    notes.push(`${model.review.deferredCells} cell(s) remain marked "defer" and are not counted${override ? `; signed with the override: “${override}”` : ''}.`);
  }
  sectionTitle(doc, 'Threshold notes', 40);
  for (const n of notes) paragraph(doc, `•  ${n}`, { size: 8.8 });
}

function signoffSection(doc: Doc, model: ReportModel): void {
  sectionTitle(doc, 'Review and electronic signatures', 80);
  if (model.signatures.length === 0) {
    paragraph(doc, model.version?.status === 'open'
      ? `NOT SIGNED. Version ${model.version.version} is an open amendment (reason: “${model.version.reason ?? ''}”); this draft shows the current, unsigned labels.`
      : 'NOT SIGNED. This draft shows the current labels; it has not been reviewed and signed and must not be filed as a final report.', { font: 'bold', color: '#c62828' });
  } else {
    table(
      doc,
      [
        { title: 'Signer', width: 118 },
        { title: 'Role', width: 100 },
        { title: 'Capacity', width: 62 },
        { title: 'Meaning', width: 56 },
        { title: 'Signed (UTC)', width: 78 },
        { title: 'Override / note', width: W - 414 },
      ],
      model.signatures.map((s) => [
        `${s.printedName} (${s.initials})`,
        s.role,
        s.capacity === 'primary' ? 'Primary' : 'Second reviewer',
        s.meaning,
        formatUtc(s.signedAt),
        s.overrideReason ? `Deferred-cell override: ${s.overrideReason}` : s.capacity === 'second' ? `${s.disagreements.length} disagreement(s)` : '',
      ]),
    );
    for (const s of model.signatures) {
      paragraph(doc, `Electronically signed by ${s.printedName} (${s.initials}), ${s.role}, meaning “${s.meaning}”, on ${formatUtc(s.signedAt)}; signature bound to snapshot sha256 ${s.snapshotHash.slice(0, 16)}…, audit entry ${s.auditSeq}.`, { size: 8, color: MUTED });
    }
  }
  if (model.disagreements.length > 0) {
    subheading(doc, 'Second reviewer disagreements', 50);
    table(
      doc,
      [
        { title: 'Cell', width: 60, align: 'right' },
        { title: 'Signed label', width: 110 },
        { title: 'Second reviewer', width: 110 },
        { title: 'Note', width: W - 280 },
      ],
      model.disagreements.map((d) => [String(d.cellId), d.signedCode, d.proposedCode, d.note ?? '']),
    );
  }
  const history = model.versions.filter((v) => v.version > 1 || v.status === 'signed');
  if (history.length > 1 || (history[0]?.version ?? 1) > 1) {
    subheading(doc, 'Version history', 40);
    table(
      doc,
      [
        { title: 'Version', width: 44, align: 'right' },
        { title: 'Status', width: 46 },
        { title: 'Signed (UTC)', width: 104 },
        { title: 'Signed by', width: 110 },
        { title: 'Amendment reason', width: W - 304 },
      ],
      model.versions.map((v) => [
        String(v.version),
        v.status,
        v.signedAt ? formatUtc(v.signedAt) : '',
        v.signatures.map((s) => `${s.initials} (${s.capacity === 'primary' ? s.meaning : 'second'})`).join(', '),
        v.reason ?? (v.version === 1 ? 'original report' : ''),
      ]),
    );
  }
}

function gallerySection(doc: Doc, model: ReportModel): void {
  if (model.gallery.length === 0) return;
  const size = 54;
  const gap = 6;
  const perRow = Math.floor((W + gap) / (size + gap));
  sectionTitle(doc, 'Representative cells', size + 40);
  paragraph(doc, 'Up to eight cells per category by current label: reviewed cells first, then those the model was most certain of. Numbers are cell ids.', { size: 8, color: MUTED });
  for (const g of model.gallery) {
    const rowsNeeded = Math.ceil(g.cells.length / perRow);
    ensureSpace(doc, 16 + rowsNeeded * (size + 14));
    const y0 = doc.y + 4;
    doc.rect(M.left, y0 + 1.5, 8, 8).fill(g.color);
    doc.font('bold').fontSize(9).fillColor(INK).text(`${g.name}`, M.left + 12, y0, { continued: true, width: W - 12 });
    doc.font('body').fillColor(MUTED).text(`  — ${g.count} cell${g.count === 1 ? '' : 's'}${g.cells.length < g.count ? `, ${g.cells.length} shown` : ''}`);
    let y = doc.y + 2;
    g.cells.forEach((c, i) => {
      const col = i % perRow;
      if (col === 0 && i > 0) y += size + 14;
      const x = M.left + col * (size + gap);
      if (c.crop) {
        try {
          doc.image(c.crop, x, y, { fit: [size, size], align: 'center', valign: 'center' });
        } catch {
          placeholder(doc, x, y, size);
        }
      } else placeholder(doc, x, y, size);
      doc.rect(x, y, size, size).lineWidth(1.2).strokeColor(g.color).stroke();
      doc.font('body').fontSize(6.5).fillColor(MUTED).text(`${c.code} #${c.id}`, x, y + size + 2, { width: size, align: 'center', lineBreak: false });
    });
    doc.y = y + size + 14;
    doc.x = M.left;
  }
}

function placeholder(doc: Doc, x: number, y: number, size: number): void {
  doc.rect(x, y, size, size).fill('#eceff1');
  doc.font('body').fontSize(6).fillColor(MUTED).text('no image', x, y + size / 2 - 3, { width: size, align: 'center', lineBreak: false });
}

function provenanceSection(doc: Doc, model: ReportModel): void {
  const m = model.model;
  const run = model.run;
  sectionTitle(doc, 'Analysis provenance', 100);
  keyValues(doc, [
    ['Model', m.name ? `${m.name} ${m.version ?? ''}`.trim() : 'not identified (its manifest is not on this workstation)'],
    ['Architecture', m.architecture ?? '—'],
    ['Analysis run', `#${run.id}, ${formatUtc(run.startedAt)} – ${run.finishedAt ? formatUtc(run.finishedAt) : '—'}`],
    ['Compute', `${run.provider ?? 'unknown'} · Marrowscope ${run.appVersion} (report: ${model.appVersion})`],
  ]);
  const hashes: [string, string][] = [['manifest', m.manifestHash], ...Object.entries(m.memberHashes).sort(([a], [b]) => a.localeCompare(b))];
  table(
    doc,
    [
      { title: 'Model file', width: 110 },
      { title: 'sha256', width: W - 110, font: 'mono' },
    ],
    hashes,
    { fontSize: 7.2 },
  );
  const head = `Audit log: ${model.audit.headSeq} entries, head sha256 ${model.audit.headHash}${model.audit.chainIntact ? ' (chain verified)' : ' (CHAIN BROKEN)'}`;
  paragraph(doc, head, { size: 7.2, font: 'mono', color: MUTED });
  if (model.version?.snapshotHash) paragraph(doc, `Signed snapshot (version ${model.version.version}): sha256 ${model.version.snapshotHash}`, { size: 7.2, font: 'mono', color: MUTED });
}

function limitationsSection(doc: Doc, model: ReportModel): void {
  sectionTitle(doc, 'Limitations', 60);
  for (const l of model.limitations) paragraph(doc, `•  ${l}`, { size: 8.3 });
}
