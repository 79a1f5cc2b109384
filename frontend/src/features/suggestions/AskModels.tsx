import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import type { Size } from '../../lib/geometry';
import type { Annotations } from '../../lib/annotationState';
import type { AskModels as Ask, AskResult } from './useAskModels';
import {
  PREDICT_KINDS,
  formatSuggestionScore,
  isApplied,
  isNoModelDeployed,
  noModelSentence,
  type PredictKind,
  type SuggestedChange,
} from './suggestionView';
import { boxTitle, highlightProps } from './highlight';

interface Props {
  projectId: number;
  ask: Ask;
  /** The deployed version of each kind, when known ("v2"). */
  deployed: Partial<Record<PredictKind, { version: number }>>;
  annotations: Annotations;
  image: Size;
  readOnly: boolean;
  onAdd: (changes: SuggestedChange[]) => void;
  /** A detection pointed at or focused (its ghost's key), or none. */
  onHighlight?: (ghostKey: string | null) => void;
}

interface Offer {
  key: string;
  change: SuggestedChange;
  score: number;
}

function offersOf(kind: PredictKind, result: AskResult<PredictKind> | undefined): Offer[] {
  if (result?.status !== 'done') return [];
  const data = result.data;
  if (kind === 'classifier' && 'classes' in data) {
    return data.classes.map((c, i) => ({ key: `c${i}`, score: c.probability, change: { kind: 'label', value: c.label, x: null, y: null, w: null, h: null } }));
  }
  if (kind === 'keywords' && 'keywords' in data) {
    return data.keywords.map((k, i) => ({ key: `k${i}`, score: k.score, change: { kind: 'keyword', value: k.word, x: null, y: null, w: null, h: null } }));
  }
  if (kind === 'detector' && 'boxes' in data) {
    return data.boxes.map((b, i) => ({ key: `d${i}`, score: b.score, change: { kind: 'box', value: b.label, x: b.x, y: b.y, w: b.w, h: b.h } }));
  }
  return [];
}

/** Ask the deployed classifier, keywords model or detector about this item, and add what they
 * answer with one click. */
export function AskModels({ projectId, ask, deployed, annotations, image, readOnly, onAdd, onHighlight }: Props) {
  return (
    <div className="ask-models" role="group" aria-label="Ask the models">
      <h3 className="suggestion-kind">Ask the models</h3>
      <div className="ask-buttons">
        {PREDICT_KINDS.map(({ kind, ask: words }) => {
          const version = deployed[kind]?.version;
          return (
            <button
              key={kind}
              type="button"
              className="button small"
              disabled={ask.answers[kind]?.status === 'pending'}
              title={version ? `The deployed ${kind}, v${version}` : `Needs a deployed ${kind}`}
              onClick={() => ask.ask(kind)}
            >
              {words}
              {version ? <span className="muted"> v{version}</span> : null}
            </button>
          );
        })}
      </div>
      {PREDICT_KINDS.map(({ kind, noun }) => {
        const result = ask.answers[kind];
        if (!result) return null;
        const offers = offersOf(kind, result);
        const open = offers.filter((o) => !isApplied(annotations, o.change, image));
        return (
          <section key={kind} className="ask-answer" aria-label={`Answer of the ${noun}`}>
            <div className="ask-answer-head">
              <strong className="small">The {noun}</strong>
              {/* Several keywords or boxes go together; several classes of one classifier do not. */}
              {!readOnly && kind !== 'classifier' && open.length > 1 ? (
                <button type="button" className="link-button small" onClick={() => onAdd(open.map((o) => o.change))}>
                  Add all
                </button>
              ) : null}
              <button type="button" className="icon-button" aria-label={`Close the ${noun}’s answer`} onClick={() => ask.dismiss(kind)}>
                ×
              </button>
            </div>
            {result.status === 'pending' ? (
              <p className="muted small" role="status">
                Asking…
              </p>
            ) : result.status === 'failed' ? (
              isNoModelDeployed(result.error) ? (
                <p className="small" role="status">
                  {noModelSentence(kind)} Deploy a {noun} version under <Link to={`/projects/${projectId}/models`}>Models</Link>, or train
                  one under <Link to={`/projects/${projectId}/training/new`}>Training</Link>.
                </p>
              ) : (
                <ErrorMessage title={`The ${noun} did not answer`} error={result.error} onRetry={() => ask.ask(kind)} />
              )
            ) : offers.length === 0 ? (
              <p className="muted small">It found nothing in this image.</p>
            ) : (
              <ul className="suggestion-list">
                {offers.map((o) => {
                  const added = isApplied(annotations, o.change, image);
                  return (
                    <li key={o.key} className="suggestion" data-kind={o.change.kind} {...highlightProps(o.change.kind === 'box' ? o.key : null, onHighlight)}>
                      <span className="suggestion-value" title={boxTitle(o.change)}>
                        {o.change.value}
                      </span>
                      <span className="chip score">{formatSuggestionScore(o.change.kind, o.score)}</span>
                      <span className="suggestion-model" />
                      {readOnly ? null : (
                        <span className="suggestion-actions">
                          <button
                            type="button"
                            className="button small"
                            aria-label={`Add ${o.change.kind} “${o.change.value}”`}
                            disabled={added}
                            onClick={() => onAdd([o.change])}
                          >
                            {added ? 'Added' : 'Add'}
                          </button>
                        </span>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}
