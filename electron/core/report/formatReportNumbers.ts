import type { PercentInterval } from '../../shared/domain/differential/index.js';

/** How every report format writes a percentage: one decimal, "—" when undefined. */
export function formatPercent(v: number | null): string {
  return v === null ? '—' : v.toFixed(1);
}

/** How every report format writes a 95% interval: "low–high" with one decimal each. */
export function formatInterval(i: PercentInterval | null): string {
  return i === null ? '—' : `${i.low.toFixed(1)}–${i.high.toFixed(1)}`;
}

/** A timestamp for people: "2026-11-27 06:10 UTC". */
export function formatUtc(iso: string): string {
  return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}
