import type { Differential } from '../../shared/domain/differential/index.js';

/** The differential as a plain-text table for the terminal: count, %, 95% interval per category, then M:E and flags. */
export function formatDifferential(d: Differential): string {
  const lines: string[] = [];
  lines.push(`Nucleated differential count (ICSH): ${d.ndcTotal} cells (targets ${d.progress.minimumTarget}/${d.progress.preciseTarget}: ${d.progress.status})`);
  lines.push(`  ${'category'.padEnd(26)} ${'count'.padStart(6)} ${'%'.padStart(7)}   95% interval`);
  for (const r of d.rows) {
    const pct = r.percent === null ? '-' : r.percent.toFixed(1);
    const ci = r.interval ? `${r.interval.low.toFixed(1)}–${r.interval.high.toFixed(1)}%` : '-';
    lines.push(`  ${r.name.padEnd(26)} ${String(r.count).padStart(6)} ${pct.padStart(7)}   ${ci}`);
  }
  if (d.excluded.some((e) => e.count > 0)) {
    lines.push('Not counted in the NDC:');
    for (const e of d.excluded) if (e.count > 0) lines.push(`  ${e.name.padEnd(26)} ${String(e.count).padStart(6)}`);
  }
  lines.push(`M:E ratio (${d.meRatio.convention}): ${d.meRatio.display}`);
  for (const f of d.flags) lines.push(`! ${f.message}`);
  if (d.deferred > 0) lines.push(`${d.deferred} cell(s) deferred for review`);
  return lines.join('\n') + '\n';
}
