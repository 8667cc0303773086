import { memo, useCallback, useState } from 'react';
import type { TaxonomyClass } from '../../../electron/shared/api/views.js';
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
  // Stable handlers, so a keystroke re-renders only the items whose count changed.
  const onToggle = useCallback((code: string) => {
    const codes = useReviewStore.getState().filters.codes;
    setFilters({ codes: codes.includes(code) ? codes.filter((c) => c !== code) : [...codes, code] });
  }, [setFilters]);
  const onDropCells = useCallback((code: string, ids: string[]) => {
    if (ids.length) void (code === 'DEFER' ? useReviewStore.getState().defer(ids) : reclassify(code, ids));
  }, [reclassify]);

  return (
    <nav className="class-list" aria-label="Classes: click to filter, drop cells to reclassify">
      <div className="class-list-head">
        <h2>Classes</h2>
        <button type="button" className="btn btn-quiet btn-small" onClick={() => setShowAll((s) => !s)} aria-pressed={showAll}>
          {showAll ? 'Fewer' : 'All'}
        </button>
      </div>
      <ul>
        {visible.map((t) => (
          <ClassItem
            key={t.code}
            cls={t}
            color={colorOf(taxonomy, t.code)}
            count={countsByCode[t.code] ?? 0}
            active={filters.codes.includes(t.code)}
            over={over === t.code}
            onToggle={onToggle}
            onOver={setOver}
            onDropCells={onDropCells}
          />
        ))}
      </ul>
    </nav>
  );
}

interface ClassItemProps {
  readonly cls: TaxonomyClass;
  readonly color: string;
  readonly count: number;
  readonly active: boolean;
  /** Cells are being dragged over this class. */
  readonly over: boolean;
  readonly onToggle: (code: string) => void;
  readonly onOver: (code: string | null) => void;
  readonly onDropCells: (code: string, cellIds: string[]) => void;
}

/** One class: filter button and drop target. Memoised on plain props. */
const ClassItem = memo(function ClassItem({ cls: t, color, count, active, over, onToggle, onOver, onDropCells }: ClassItemProps) {
  return (
    <li>
      <button
        type="button"
        className={`class-item${active ? ' class-item-active' : ''}${over ? ' class-item-over' : ''}`}
        aria-pressed={active}
        title={`${t.name}${t.note ? ` — ${t.note}` : ''}${t.counted ? '' : ' (not counted in the differential)'}`}
        data-class-code={t.code}
        onClick={() => onToggle(t.code)}
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes(CELL_DRAG_TYPE)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'move';
          onOver(t.code);
        }}
        onDragLeave={() => onOver(null)}
        onDrop={(e) => {
          e.preventDefault();
          onOver(null);
          onDropCells(t.code, JSON.parse(e.dataTransfer.getData(CELL_DRAG_TYPE) || '[]') as string[]);
        }}
      >
        <span className="swatch" style={{ background: color }} aria-hidden="true" />
        <span className="class-name">
          <span className="code">{t.code}</span> {t.name}
        </span>
        <span className="class-count">{count.toLocaleString()}</span>
        {t.hotkey && <kbd aria-label={`hotkey ${t.hotkey}`}>{t.hotkey.toUpperCase()}</kbd>}
      </button>
    </li>
  );
});
