import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../state/useAppStore';
import { useReviewStore } from '../state/useReviewStore';
import { colorOf } from './classColors';
import { CELL_DRAG_TYPE } from './Gallery';

/**
 * Every class with its hotkey and current count. Click filters to the class; dropping dragged
 * cells on a class reclassifies them (one decision each, one undo step).
 */
export function ClassList() {
  const taxonomy = useAppStore((s) => s.taxonomy);
  const { countsByCode, filters, setFilters, reclassify } = useReviewStore(
    useShallow((s) => ({ countsByCode: s.countsByCode, filters: s.filters, setFilters: s.setFilters, reclassify: s.reclassify })),
  );
  const [over, setOver] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(false);
  const visible = taxonomy.filter((t) => showAll || !t.reviewerOnly || (countsByCode[t.code] ?? 0) > 0 || t.code === 'DEFER');

  return (
    <nav className="class-list" aria-label="Classes: click to filter, drop cells to reclassify">
      <div className="class-list-head">
        <h2>Classes</h2>
        <button type="button" className="btn btn-quiet btn-small" onClick={() => setShowAll((s) => !s)} aria-pressed={showAll}>
          {showAll ? 'Fewer' : 'All'}
        </button>
      </div>
      <ul>
        {visible.map((t) => {
          const active = filters.codes.includes(t.code);
          return (
            <li key={t.code}>
              <button
                type="button"
                className={`class-item${active ? ' class-item-active' : ''}${over === t.code ? ' class-item-over' : ''}`}
                aria-pressed={active}
                title={`${t.name}${t.note ? ` — ${t.note}` : ''}${t.counted ? '' : ' (not counted in the differential)'}`}
                data-class-code={t.code}
                onClick={() => setFilters({ codes: active ? filters.codes.filter((c) => c !== t.code) : [...filters.codes, t.code] })}
                onDragOver={(e) => {
                  if (!e.dataTransfer.types.includes(CELL_DRAG_TYPE)) return;
                  e.preventDefault();
                  e.dataTransfer.dropEffect = 'move';
                  setOver(t.code);
                }}
                onDragLeave={() => setOver(null)}
                onDrop={(e) => {
                  e.preventDefault();
                  setOver(null);
                  const ids = JSON.parse(e.dataTransfer.getData(CELL_DRAG_TYPE) || '[]') as string[];
                  if (ids.length) void (t.code === 'DEFER' ? useReviewStore.getState().defer(ids) : reclassify(t.code, ids));
                }}
              >
                <span className="swatch" style={{ background: colorOf(taxonomy, t.code) }} aria-hidden="true" />
                <span className="class-name">
                  <span className="code">{t.code}</span> {t.name}
                </span>
                <span className="class-count">{(countsByCode[t.code] ?? 0).toLocaleString()}</span>
                {t.hotkey && <kbd aria-label={`hotkey ${t.hotkey}`}>{t.hotkey.toUpperCase()}</kbd>}
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
