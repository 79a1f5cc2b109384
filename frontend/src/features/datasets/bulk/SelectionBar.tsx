import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../../../components/ErrorMessage';
import type { Split } from '../../../lib/api';
import { plural } from '../../../lib/format';
import type { ItemFilters, ItemQuery } from '../../../lib/itemFilters';
import { useDebounced } from '../../../lib/useDebounced';
import { similarHref } from '../../../lib/searchRequest';
import { useBulkAnnotate, useKeywords, useLabels, type BulkChange } from '../../../lib/itemApi';
import { fetchAllItemIds, useDeleteItems } from '../api';
import { selectIds, type Selection } from '../../../lib/selection';
import { BulkDeleteAction } from './BulkDeleteAction';
import { BulkSplitAction } from './BulkSplitAction';
import { BulkTermAction } from '../../../components/BulkTermAction';

interface Props {
  projectId: number;
  query: ItemQuery;
  total: number;
  selection: Selection;
  onSelectionChange: (selection: Selection) => void;
  /** False for viewers: the selection can only be searched from. */
  canEdit?: boolean;
  filters?: ItemFilters;
}

/** What to do with the selected items: labels, keywords, split, delete. */
export function SelectionBar({ projectId, query, total, selection, onSelectionChange, canEdit = true, filters }: Props) {
  const count = selection.ids.size;
  const [done, setDone] = useState<string | null>(null);
  const [selectAllError, setSelectAllError] = useState<unknown>(null);
  const [selectingAll, setSelectingAll] = useState(false);
  const [keywordDraft, setKeywordDraft] = useState('');
  const labels = useLabels(projectId);
  const keywords = useKeywords(projectId, useDebounced(keywordDraft.trim(), 150));
  const bulk = useBulkAnnotate(projectId);
  const remove = useDeleteItems(projectId);
  const busy = bulk.isPending || remove.isPending || selectingAll;
  const ids = [...selection.ids];

  const apply = (change: BulkChange, words: string) => {
    setDone(null);
    bulk.mutate({ itemIds: ids, change }, { onSuccess: (r) => setDone(`${words}: ${plural(r.updated, 'item')} updated.`) });
  };

  const selectAll = async () => {
    setSelectingAll(true);
    setSelectAllError(null);
    try {
      onSelectionChange(selectIds(await fetchAllItemIds(projectId, query)));
    } catch (error) {
      setSelectAllError(error);
    } finally {
      setSelectingAll(false);
    }
  };

  return (
    <section className="selection-bar" aria-label="Selected items">
      <div className="selection-count">
        <strong>{plural(count, 'item')} selected</strong>
        {count < total ? (
          <button type="button" className="link-button" disabled={busy} onClick={selectAll}>
            Select all {total.toLocaleString()}
          </button>
        ) : null}
        <button type="button" className="link-button" onClick={() => onSelectionChange(selectIds([]))}>
          Clear selection
        </button>
        {count === 1 && ids[0] !== undefined ? <Link to={similarHref(projectId, ids[0], filters)}>Find similar</Link> : null}
      </div>
      {count && canEdit ? (
        <div className="bulk-actions">
          <BulkTermAction
            kind="label"
            busy={busy}
            suggestions={(labels.data ?? []).map((l) => ({ value: l.name }))}
            onAdd={(t) => apply({ add_labels: [t] }, `Added label “${t}”`)}
            onRemove={(t) => apply({ remove_labels: [t] }, `Removed label “${t}”`)}
          />
          <BulkTermAction
            kind="keyword"
            busy={busy}
            suggestions={(keywords.data ?? []).map((k) => ({ value: k.keyword, hint: String(k.count) }))}
            onDraftChange={setKeywordDraft}
            onAdd={(t) => apply({ add_keywords: [t] }, `Added keyword “${t}”`)}
            onRemove={(t) => apply({ remove_keywords: [t] }, `Removed keyword “${t}”`)}
          />
          <BulkSplitAction
            busy={busy}
            onApply={(split: Split | null) => apply({ split }, split ? `Moved to ${split}` : 'Cleared the split')}
          />
          <BulkDeleteAction
            count={count}
            busy={busy}
            onDelete={() => {
              setDone(null);
              remove.mutate(ids, {
                onSuccess: (n) => {
                  setDone(`Deleted ${plural(n, 'item')}.`);
                  onSelectionChange(selectIds([]));
                },
              });
            }}
          />
        </div>
      ) : null}
      <div aria-live="polite" className="selection-status">
        {busy ? <span>Working…</span> : done}
      </div>
      {bulk.isError ? <ErrorMessage title="The change was not applied" error={bulk.error} /> : null}
      {remove.isError ? <ErrorMessage title="Delete failed" error={remove.error} /> : null}
      {selectAllError ? <ErrorMessage title="Could not select all items" error={selectAllError} /> : null}
    </section>
  );
}
