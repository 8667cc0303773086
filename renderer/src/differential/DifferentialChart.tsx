import type { Differential } from '../../../electron/shared/domain/differential/index.js';
import { CATEGORY_COLORS } from '../review/classColors';

/** A horizontal bar chart of the differential: one bar per counted category with its 95% interval as a whisker. */
export function DifferentialChart({ differential }: { differential: Differential }) {
  const rows = differential.rows;
  const max = Math.max(10, ...rows.map((r) => r.interval?.high ?? r.percent ?? 0));
  const scaleMax = Math.ceil(max / 10) * 10;
  const labelW = 128;
  const chartW = 200;
  const rowH = 16;
  const h = rows.length * rowH + 22;
  const x = (pct: number) => labelW + (pct / scaleMax) * chartW;
  return (
    <svg className="diff-chart" viewBox={`0 0 ${labelW + chartW + 44} ${h}`} role="img" aria-label="Bar chart of the differential, percent of nucleated cells with 95% intervals">
      {[0, scaleMax / 2, scaleMax].map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={0} y2={rows.length * rowH} className="grid" />
          <text x={x(t)} y={rows.length * rowH + 14} className="axis" textAnchor="middle">
            {t}%
          </text>
        </g>
      ))}
      {rows.map((r, i) => {
        const y = i * rowH;
        const pct = r.percent ?? 0;
        return (
          <g key={r.category}>
            <text x={labelW - 6} y={y + 11.5} className="label" textAnchor="end">
              {r.name}
            </text>
            <rect x={labelW} y={y + 3} width={Math.max(0, x(pct) - labelW)} height={rowH - 6} fill={CATEGORY_COLORS[r.category]} rx={1.5} />
            {r.interval && (
              <g className="whisker">
                <line x1={x(r.interval.low)} x2={x(r.interval.high)} y1={y + rowH / 2} y2={y + rowH / 2} />
                <line x1={x(r.interval.low)} x2={x(r.interval.low)} y1={y + 4} y2={y + rowH - 4} />
                <line x1={x(r.interval.high)} x2={x(r.interval.high)} y1={y + 4} y2={y + rowH - 4} />
              </g>
            )}
            <text x={x(r.interval?.high ?? pct) + 4} y={y + 11.5} className="value">
              {r.percent === null ? '–' : `${r.percent.toFixed(1)}`}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
