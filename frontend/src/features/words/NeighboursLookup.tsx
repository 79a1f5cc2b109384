import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useWordNeighbours } from './api';

const K_CHOICES = [10, 20, 50, 100];

/** The words nearest to a word or phrase in the active word model. */
export function NeighboursLookup({ projectId }: { projectId: number }) {
  const [draft, setDraft] = useState('');
  const [word, setWord] = useState('');
  const [k, setK] = useState(10);
  const neighbours = useWordNeighbours(projectId, word, k);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setWord(draft.trim());
  };
  const resolution = neighbours.data?.query;
  return (
    <section className="card" aria-labelledby="neighbours-title">
      <h3 id="neighbours-title">Nearest words</h3>
      <form className="neighbour-form" onSubmit={onSubmit}>
        <label className="field">
          <span>Word or phrase</span>
          <input type="search" value={draft} maxLength={500} placeholder="e.g. rust" onChange={(e) => setDraft(e.target.value)} />
        </label>
        <label className="field">
          <span>How many</span>
          <select value={k} onChange={(e) => setK(Number(e.target.value))}>
            {K_CHOICES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button" disabled={!draft.trim()}>
          Look up
        </button>
      </form>
      {neighbours.isFetching ? <p className="muted small">Looking up…</p> : null}
      {neighbours.isError ? <ErrorMessage title={`Could not look up “${word}”`} error={neighbours.error} /> : null}
      {neighbours.data && resolution ? (
        <>
          <p className="small muted">
            “{resolution.text}” as {resolution.how === 'mean' ? `the mean of ${resolution.used.join(', ')}` : resolution.used.join(', ')}
            {resolution.missing?.length ? ` (not known: ${resolution.missing.join(', ')})` : ''}
          </p>
          {neighbours.data.neighbours.length ? (
            <ol className="neighbour-list" aria-label={`Words nearest to ${resolution.text}`}>
              {neighbours.data.neighbours.map((n) => (
                <li key={n.word} title={n.count ? `${n.count.toLocaleString()} occurrences` : undefined}>
                  <span>{n.word}</span>
                  <span className="chip">{n.score.toFixed(3)}</span>
                </li>
              ))}
            </ol>
          ) : (
            <p className="small">No other words in the model.</p>
          )}
        </>
      ) : null}
    </section>
  );
}
