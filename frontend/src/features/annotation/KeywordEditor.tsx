import { useState } from 'react';
import { ComboBox } from '../../components/ComboBox';
import { TagList } from '../../components/TagList';
import { useDebounced } from '../../lib/useDebounced';
import { useKeywords } from '../../lib/itemApi';
import { useWordPrefix } from '../words/api';
import { keywordToWordPrefix, mergeKeywordOptions } from '../words/wordView';

interface Props {
  projectId: number;
  keywords: readonly string[];
  onAdd: (keyword: string) => void;
  onRemove: (keyword: string) => void;
}

/** The item's keywords, with autocomplete from the project's vocabulary and, when the project has
 * an active word model, its words (also ones no item uses yet). */
export function KeywordEditor({ projectId, keywords, onAdd, onRemove }: Props) {
  const [draft, setDraft] = useState('');
  const prefix = useDebounced(draft.trim(), 120);
  const vocabulary = useKeywords(projectId, prefix);
  const words = useWordPrefix(projectId, keywordToWordPrefix(prefix));
  // A failed word lookup (no word model after all) just offers no words.
  const suggestions = mergeKeywordOptions(vocabulary.data ?? [], words.isError ? [] : (words.data?.words ?? []), keywords);
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
