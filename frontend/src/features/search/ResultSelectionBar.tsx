import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { plural } from '../../lib/format';
import { useDebounced } from '../../lib/useDebounced';
import { useBulkAnnotate, useKeywords, useLabels, type BulkChange } from '../../lib/itemApi';
import { useAddPairs } from '../pairs/api';
import { BulkTermAction } from '../../components/BulkTermAction';
import { selectIds, type Selection } from '../../lib/selection';
import { similarHref } from '../../lib/searchRequest';

interface Props {
  projectId: number;
  selection: Selection;
  resultIds: readonly number[];
  onSelectionChange: (selection: Selection) => void;
  /** The item searched by, if any: selected results can be paired with it. */
  queryItemId?: number | null;
}

/** Similarity-assisted annotation: label (or keyword) every selected result at once. */
export function ResultSelectionBar({ projectId, selection, resultIds, onSelectionChange, queryItemId = null }: Props) {
  const count = selection.ids.size;
  const ids = [...selection.ids];
  const [done, setDone] = useState<string | null>(null);
  const [keywordDraft, setKeywordDraft] = useState('');
  const labels = useLabels(projectId);
  const keywords = useKeywords(projectId, useDebounced(keywordDraft.trim(), 150));
  const bulk = useBulkAnnotate(projectId);
  const pair = useAddPairs(projectId);
  const pairable = queryItemId === null ? [] : ids.filter((id) => id !== queryItemId);
  const pairWithQuery = () => {
    if (queryItemId === null) return;
    setDone(null);
    pair.mutate(
      { itemId: queryItemId, others: pairable },
      { onSuccess: (r) => setDone(`Paired with item #${queryItemId}: ${plural(r.created, 'new pair')}${r.existing ? `, ${r.existing} already paired` : ''}.`) },
    );
  };

  const apply = (change: BulkChange, words: string) => {
    setDone(null);
    bulk.mutate({ itemIds: ids, change }, { onSuccess: (r) => setDone(`${words}: ${plural(r.updated, 'item')} updated.`) });
  };

  return (
    <section className="selection-bar" aria-label="Selected results">
      <div className="selection-count">
        <strong>{plural(count, 'result')} selected</strong>
        {count < resultIds.length ? (
          <button type="button" className="link-button" onClick={() => onSelectionChange(selectIds(resultIds))}>
            Select all {resultIds.length}
          </button>
        ) : null}
        <button type="button" className="link-button" onClick={() => onSelectionChange(selectIds([]))}>
          Clear selection
        </button>
        {count === 1 && ids[0] !== undefined ? (
          <Link to={similarHref(projectId, ids[0])} onClick={() => onSelectionChange(selectIds([]))}>
            Find similar to this one
          </Link>
        ) : null}
      </div>
      <div className="bulk-actions">
        <BulkTermAction
          kind="label"
          busy={bulk.isPending}
          suggestions={(labels.data ?? []).map((l) => ({ value: l.name }))}
          onAdd={(t) => apply({ add_labels: [t] }, `Labelled “${t}”`)}
          onRemove={(t) => apply({ remove_labels: [t] }, `Removed label “${t}”`)}
        />
        <BulkTermAction
          kind="keyword"
          busy={bulk.isPending}
          suggestions={(keywords.data ?? []).map((k) => ({ value: k.keyword, hint: String(k.count) }))}
          onDraftChange={setKeywordDraft}
          onAdd={(t) => apply({ add_keywords: [t] }, `Added keyword “${t}”`)}
          onRemove={(t) => apply({ remove_keywords: [t] }, `Removed keyword “${t}”`)}
        />
        {queryItemId !== null ? (
          <button
            type="button"
            disabled={pair.isPending || pairable.length === 0}
            title="Positive pairs: triplet training treats these as the same person or object"
            onClick={pairWithQuery}
          >
            Same object as the query item
          </button>
        ) : null}
      </div>
      <div aria-live="polite" className="selection-status">
        {bulk.isPending || pair.isPending ? <span>Working…</span> : done}
      </div>
      {bulk.isError ? <ErrorMessage title="The change was not applied" error={bulk.error} /> : null}
      {pair.isError ? <ErrorMessage title="The pairs were not added" error={pair.error} /> : null}
    </section>
  );
}
