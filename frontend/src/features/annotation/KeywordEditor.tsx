import { useState } from 'react';
import { ComboBox } from '../../components/ComboBox';
import { TagList } from '../../components/TagList';
import { useDebounced } from '../../lib/useDebounced';
import { useKeywords } from '../datasets/api';

interface Props {
  projectId: number;
  keywords: readonly string[];
  onAdd: (keyword: string) => void;
  onRemove: (keyword: string) => void;
}

/** The item's keywords, with autocomplete from the project's vocabulary. */
export function KeywordEditor({ projectId, keywords, onAdd, onRemove }: Props) {
  const [draft, setDraft] = useState('');
  const prefix = useDebounced(draft.trim(), 120);
  const vocabulary = useKeywords(projectId, prefix);
  const suggestions = (vocabulary.data ?? [])
    .filter((k) => !keywords.includes(k.keyword))
    .map((k) => ({ value: k.keyword, hint: String(k.count) }));
  return (
    <section className="panel-section" aria-labelledby="keywords-title">
      <h2 id="keywords-title">Keywords</h2>
      <TagList tags={keywords} kind="keyword" onRemove={onRemove} />
      <ComboBox
        label="Add keyword"
        hideLabel
        placeholder="Add a keyword and press Enter"
        value={draft}
        onChange={setDraft}
        onCommit={(keyword) => {
          onAdd(keyword);
          setDraft('');
        }}
        suggestions={draft.trim() ? suggestions : []}
      />
    </section>
  );
}
