import { useState } from 'react';
import { ComboBox, type Suggestion } from './ComboBox';

interface Props {
  /** "label" or "keyword". */
  kind: string;
  suggestions: readonly Suggestion[];
  onDraftChange?: (draft: string) => void;
  busy: boolean;
  onAdd: (term: string) => void;
  onRemove: (term: string) => void;
}

/** Type or pick a term, then add it to or remove it from every selected item. */
export function BulkTermAction({ kind, suggestions, onDraftChange, busy, onAdd, onRemove }: Props) {
  const [draft, setDraft] = useState('');
  const term = draft.trim();
  const change = (value: string) => {
    setDraft(value);
    onDraftChange?.(value);
  };
  const run = (action: (term: string) => void) => {
    if (!term) return;
    action(term);
    change('');
  };
  return (
    <div className="bulk-action" role="group" aria-label={`Bulk ${kind}`}>
      <ComboBox
        label={`${kind[0]?.toUpperCase()}${kind.slice(1)} for selected items`}
        hideLabel
        placeholder={kind}
        value={draft}
        onChange={change}
        onCommit={(value) => {
          onAdd(value);
          change('');
        }}
        suggestions={suggestions}
        disabled={busy}
      />
      <button type="button" className="button small" disabled={busy || !term} onClick={() => run(onAdd)}>
        Add {kind}
      </button>
      <button type="button" className="button small" disabled={busy || !term} onClick={() => run(onRemove)}>
        Remove {kind}
      </button>
    </div>
  );
}
