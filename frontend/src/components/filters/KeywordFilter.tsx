import { useState } from 'react';
import { ComboBox } from '../ComboBox';
import { useDebounced } from '../../lib/useDebounced';
import { useKeywords } from '../../lib/itemApi';

interface Props {
  projectId: number;
  value: string | null;
  onChange: (value: string | null) => void;
}

export function KeywordFilter({ projectId, value, onChange }: Props) {
  const [draft, setDraft] = useState('');
  const prefix = useDebounced(draft.trim(), 150);
  const keywords = useKeywords(projectId, prefix);
  const suggestions = (keywords.data ?? []).map((k) => ({ value: k.keyword, hint: String(k.count) }));
  return (
    <div className="field">
      <ComboBox
        label="Keyword"
        value={draft}
        onChange={setDraft}
        onCommit={(keyword) => {
          onChange(keyword);
          setDraft('');
        }}
        suggestions={suggestions}
        placeholder={value ? 'Replace…' : 'Type to search'}
      />
      {value ? (
        <p className="active-condition">
          has <strong>{value}</strong>{' '}
          <button type="button" className="link-button" onClick={() => onChange(null)} aria-label={`Remove keyword filter ${value}`}>
            remove
          </button>
        </p>
      ) : null}
    </div>
  );
}
