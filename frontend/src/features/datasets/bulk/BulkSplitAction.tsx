import { useState } from 'react';
import { SPLITS, type Split } from '../../../lib/api';

/** Put every selected item in one split, or in none. */
export function BulkSplitAction({ busy, onApply }: { busy: boolean; onApply: (split: Split | null) => void }) {
  const [split, setSplit] = useState<string>('train');
  return (
    <div className="bulk-action" role="group" aria-label="Bulk split">
      <label>
        <span className="visually-hidden">Split for selected items</span>
        <select value={split} onChange={(e) => setSplit(e.target.value)} disabled={busy}>
          {SPLITS.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
          <option value="">no split</option>
        </select>
      </label>
      <button
        type="button"
        className="button small"
        disabled={busy}
        onClick={() => onApply(SPLITS.find((s) => s === split) ?? null)}
      >
        Set split
      </button>
    </div>
  );
}
