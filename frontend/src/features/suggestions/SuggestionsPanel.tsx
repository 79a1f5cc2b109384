import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { plural } from '../../lib/format';
import { useItemSuggestions, usePendingSuggestions, useReviewSuggestions } from './api';
import {
  KIND_TITLES,
  formatSuggestionScore,
  groupByKind,
  modelWords,
  nextItemWithSuggestions,
  type Suggestion,
  type SuggestionKind,
} from './suggestionView';
import { boxTitle, highlightProps } from './highlight';
import './suggestions.css';

interface Props {
  projectId: number;
  itemId: number;
  /** Model versions, to say which one made a suggestion. */
  models: readonly { id: number; version: number; kind: string }[];
  readOnly: boolean;
  /** Called once the server accepted them, to apply them to the editor's copy too. */
  onAccepted: (accepted: Suggestion[]) => void;
  /** A box suggestion pointed at or focused (its ghost's key), or none. */
  onHighlight?: (ghostKey: string | null) => void;
}

const ORDER: readonly SuggestionKind[] = ['label', 'keyword', 'box'];

/** The item's pending suggestions from deployed models: accept or reject one, or all at once. */
export function SuggestionsPanel({ projectId, itemId, models, readOnly, onAccepted, onHighlight }: Props) {
  const suggestions = useItemSuggestions(projectId, itemId);
  const review = useReviewSuggestions(projectId);
  // Decided here: hidden at once, before the list is fetched again.
  const [decided, setDecided] = useState<ReadonlySet<number>>(new Set());
  const pending = (suggestions.data?.suggestions ?? []).filter((s) => !decided.has(s.id));
  const elsewhere = usePendingSuggestions(projectId, suggestions.isSuccess && pending.length === 0);
  const next = nextItemWithSuggestions(elsewhere.data?.suggestions ?? [], itemId);
  const groups = groupByKind(pending);

  const decide = (accept: Suggestion[], reject: Suggestion[]) => {
    const ids = [...accept, ...reject].map((s) => s.id);
    review.mutate(
      { accept: accept.map((s) => s.id), reject: reject.map((s) => s.id) },
      {
        onSuccess: () => {
          setDecided((d) => new Set([...d, ...ids]));
          if (accept.length) onAccepted(accept);
        },
      },
    );
  };

  if (suggestions.isPending) return <p className="muted small">Loading suggestions…</p>;
  if (suggestions.isError) {
    return <ErrorMessage title="Could not load the suggestions" error={suggestions.error} onRetry={() => suggestions.refetch()} />;
  }
  return (
    <div className="suggestions" aria-label="Pending suggestions" role="group">
      {pending.length ? (
        <>
          <div className="suggestions-head">
            <span className="small">{plural(pending.length, 'suggestion')} to review</span>
            {readOnly ? null : (
              <span className="suggestions-all">
                <button type="button" className="button small primary" disabled={review.isPending} onClick={() => decide(pending, [])}>
                  Accept all
                </button>
                <button type="button" className="button small" disabled={review.isPending} onClick={() => decide([], pending)}>
                  Reject all
                </button>
              </span>
            )}
          </div>
          {ORDER.filter((kind) => groups[kind].length).map((kind) => (
            <div key={kind}>
              <h3 className="suggestion-kind">{KIND_TITLES[kind]}</h3>
              <ul className="suggestion-list">
                {groups[kind].map((s) => (
                  <li key={s.id} className="suggestion" data-kind={s.kind} {...highlightProps(s.kind === 'box' ? `s${s.id}` : null, onHighlight)}>
                    <span className="suggestion-value" title={boxTitle(s)}>
                      {s.value}
                    </span>
                    <span className="chip score" title="The model’s score">
                      {formatSuggestionScore(s.kind, s.score)}
                    </span>
                    <span className="muted small suggestion-model">{modelWords(s.model_version_id, models)}</span>
                    {readOnly ? null : (
                      <span className="suggestion-actions">
                        <button
                          type="button"
                          className="button small"
                          aria-label={`Accept ${s.kind} “${s.value}”`}
                          disabled={review.isPending}
                          onClick={() => decide([s], [])}
                        >
                          Accept
                        </button>
                        <button
                          type="button"
                          className="icon-button"
                          aria-label={`Reject ${s.kind} “${s.value}”`}
                          title="Reject"
                          disabled={review.isPending}
                          onClick={() => decide([], [s])}
                        >
                          ×
                        </button>
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </>
      ) : (
        <p className="muted small">
          No suggestions waiting for this item.{' '}
          {next !== null ? <Link to={`/projects/${projectId}/items/${next}`}>Next item with suggestions →</Link> : null}
        </p>
      )}
      <div aria-live="polite" className="small muted">
        {review.isPending ? 'Saving the decision…' : null}
      </div>
      {review.isError ? (
        <ErrorMessage
          title="The decision was not saved"
          error={review.error}
          onRetry={() => {
            review.reset();
            void suggestions.refetch();
          }}
        />
      ) : null}
    </div>
  );
}
