import { useEffect, useState } from 'react';
import { useDebounced } from '../../lib/useDebounced';

/** Search in the items' text; applied once typing pauses. */
export function TextFilter({ value, onChange }: { value: string | null; onChange: (value: string | null) => void }) {
  const [draft, setDraft] = useState(value ?? '');
  const debounced = useDebounced(draft, 300);
  useEffect(() => {
    const next = debounced.trim() || null;
    if (next !== value) onChange(next);
    // Only typing triggers this; a change from outside resets the draft below.
  }, [debounced]);
  useEffect(() => {
    if ((value ?? '') !== draft.trim()) setDraft(value ?? '');
  }, [value]);
  return (
    <label className="field">
      <span>Text contains</span>
      <input type="search" value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={500} />
    </label>
  );
}
