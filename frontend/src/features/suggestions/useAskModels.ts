import { useCallback, useState } from 'react';
import { predictItem, type PredictAnswers } from './api';
import type { PredictKind } from './suggestionView';

export type AskResult<K extends PredictKind> =
  | { status: 'pending' }
  | { status: 'done'; data: PredictAnswers[K] }
  | { status: 'failed'; error: unknown };

export type AskAnswers = { [K in PredictKind]?: AskResult<K> };

export interface AskModels {
  answers: AskAnswers;
  ask: (kind: PredictKind) => void;
  dismiss: (kind: PredictKind) => void;
}

/** One item's answers from the deployed models, asked for one kind at a time (kept per item:
 * the editor is remounted for each item). */
export function useAskModels(projectId: number, itemId: number): AskModels {
  const [answers, setAnswers] = useState<AskAnswers>({});
  const ask = useCallback(
    (kind: PredictKind) => {
      setAnswers((a) => ({ ...a, [kind]: { status: 'pending' } }));
      predictItem(projectId, kind, itemId).then(
        (data) => setAnswers((a) => ({ ...a, [kind]: { status: 'done', data } })),
        (error: unknown) => setAnswers((a) => ({ ...a, [kind]: { status: 'failed', error } })),
      );
    },
    [projectId, itemId],
  );
  const dismiss = useCallback((kind: PredictKind) => {
    setAnswers(({ [kind]: _gone, ...rest }) => rest);
  }, []);
  return { answers, ask, dismiss };
}
