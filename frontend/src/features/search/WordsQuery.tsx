import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ApiError } from '../../lib/errors';
import { formatScore, viaWords, type Combine, type WordSearchResponse } from '../../lib/searchRequest';

interface QueryProps {
  draft: string;
  onDraft: (draft: string) => void;
  onSubmit: (event: FormEvent) => void;
  combine: Combine;
  onCombine: (combine: Combine) => void;
}

/** Words mode: words or phrases with commas between them, and how several combine. */
export function WordsQuery({ draft, onDraft, onSubmit, combine, onCombine }: QueryProps) {
  return (
    <form className="inline-form text-query" onSubmit={onSubmit} aria-label="Search by words">
      <label className="inline-field grow">
        <span className="visually-hidden">Words</span>
        <input type="search" placeholder="e.g. rust, fatigue crack" value={draft} onChange={(e) => onDraft(e.target.value)} />
      </label>
      <label className="inline-field">
        <span>Several words</span>
        <select value={combine} onChange={(e) => onCombine(e.target.value === 'best' ? 'best' : 'mean')}>
          <option value="mean">together (their mean)</option>
          <option value="best">any of them (the nearest)</option>
        </select>
      </label>
      <button type="submit" className="button primary" disabled={!draft.trim()}>
        Search
      </button>
    </form>
  );
}

interface AnswerProps {
  projectId: number;
  answer: WordSearchResponse | undefined;
  error: unknown;
  onRetry: () => void;
}

/** How a search by words was answered: which path ("via"), what each word became, and the
 * keywords the fallback path used; or why it could not be. */
export function WordsAnswer({ projectId, answer, error, onRetry }: AnswerProps) {
  if (error) {
    const noModel = error instanceof ApiError && error.status === 409;
    return (
      <div>
        <ErrorMessage title="The search failed" error={error} onRetry={noModel ? undefined : onRetry} />
        {noModel ? (
          <p className="small">
            Set one up under <Link to={`/projects/${projectId}/words`}>Words</Link>.
          </p>
        ) : null}
      </div>
    );
  }
  if (!answer) return null;
  const resolved = answer.words
    .map((w) => (w.how === 'word' && w.used.length === 1 && w.used[0] === w.text ? w.text : `${w.text} → ${w.used.join(' + ')}`))
    .join('; ');
  return (
    <div className="words-answer small" aria-label="How the words were matched" role="note">
      <p>
        <strong className="via">{viaWords(answer)}</strong>
        {' · '}
        {resolved}
      </p>
      {answer.expanded_keywords?.length ? (
        <p className="muted">
          Nearest keywords: {answer.expanded_keywords.slice(0, 8).map((k) => `${k.keyword} ${formatScore(k.score)}`).join(', ')}
        </p>
      ) : null}
      {answer.note ? <p className="muted">{answer.note}</p> : null}
    </div>
  );
}
