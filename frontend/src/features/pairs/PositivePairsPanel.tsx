import { useState } from 'react';
import { Link } from 'react-router';
import { ApiImage } from '../../components/ApiImage';
import { ErrorMessage } from '../../components/ErrorMessage';
import { plural } from '../../lib/format';
import { useAddPairs, useItemPairs, useRemovePair } from './api';
import { parseItemIds, partnerOf } from './pairView';
import './pairs.css';

interface Props {
  projectId: number;
  itemId: number;
  readOnly: boolean;
}

/** Items this one is explicitly paired with ("shows the same thing"): triplet training treats
 * them as positives even without a shared identity or label. */
export function PositivePairsPanel({ projectId, itemId, readOnly }: Props) {
  const pairs = useItemPairs(projectId, itemId);
  const add = useAddPairs(projectId);
  const remove = useRemovePair(projectId);
  const [draft, setDraft] = useState('');
  const [inputError, setInputError] = useState<string | null>(null);

  const submit = () => {
    const { ids, error } = parseItemIds(draft);
    setInputError(error ?? (ids.includes(itemId) ? 'An item cannot be paired with itself.' : null));
    if (error || ids.length === 0 || ids.includes(itemId)) return;
    add.mutate({ itemId, others: ids }, { onSuccess: () => setDraft('') });
  };

  const rows = pairs.data?.items ?? [];
  return (
    <section className="panel-section" aria-labelledby="pairs-title">
      <h2 id="pairs-title">Same object as</h2>
      {pairs.isPending ? <p className="muted small">Loading pairs…</p> : null}
      {pairs.isError ? <ErrorMessage title="Could not load the pairs" error={pairs.error} onRetry={() => pairs.refetch()} /> : null}
      {pairs.isSuccess && rows.length === 0 ? (
        <p className="muted small">No positive pairs. Pair items that show the same person or object; search results can be paired in bulk.</p>
      ) : null}
      {rows.length ? (
        <ul className="pair-list" aria-label="Paired items">
          {rows.map((pair) => {
            const other = partnerOf(pair, itemId);
            return (
              <li key={pair.id}>
                <Link to={`/projects/${projectId}/items/${other}`} title={`Item #${other}`}>
                  <ApiImage url={`/api/v1/projects/${projectId}/items/${other}/thumbnail`} alt={`Item #${other}`} loading="lazy" />
                  <span>#{other}</span>
                </Link>
                {readOnly ? null : (
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Unpair item #${other}`}
                    disabled={remove.isPending}
                    onClick={() => remove.mutate(pair.id)}
                  >
                    Unpair
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
      {pairs.data && pairs.data.total > rows.length ? (
        <p className="muted small">Showing {rows.length} of {plural(pairs.data.total, 'pair')}.</p>
      ) : null}
      {readOnly ? null : (
        <form
          className="pair-form"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <label htmlFor="pair-ids">Pair with item ids</label>
          <input id="pair-ids" value={draft} placeholder="e.g. 12, 15" onChange={(e) => setDraft(e.target.value)} />
          <button type="submit" disabled={add.isPending || !draft.trim()}>
            Pair
          </button>
        </form>
      )}
      {inputError ? <p role="alert" className="small danger-text">{inputError}</p> : null}
      {add.isError ? <ErrorMessage title="The pairs were not added" error={add.error} /> : null}
      {remove.isError ? <ErrorMessage title="The pair was not removed" error={remove.error} /> : null}
    </section>
  );
}
