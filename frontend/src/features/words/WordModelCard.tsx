import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ProgressBar } from '../../components/ProgressBar';
import { formatDate } from '../../lib/format';
import { useActivateWordModel, useDeleteWordModel } from './api';
import { isBuildingWordModel, skippedWords, wordModelFacts, wordModelFraction, wordModelStatus, type WordModel } from './wordView';

interface Props {
  projectId: number;
  model: WordModel;
  canManage: boolean;
}

/** One word model: its state, what it holds, and activate / delete. */
export function WordModelCard({ projectId, model, canManage }: Props) {
  const activate = useActivateWordModel(projectId);
  const remove = useDeleteWordModel(projectId);
  const [confirming, setConfirming] = useState(false);
  const building = isBuildingWordModel(model);
  const skipped = skippedWords(model);
  const titleId = `word-model-${model.id}`;
  return (
    <li className="card word-model-card" aria-labelledby={titleId}>
      <h3 id={titleId}>
        {model.name}
        {model.active ? <span className="badge">active</span> : null}
      </h3>
      <p className="word-model-facts">
        <span>Status: {wordModelStatus(model)}</span>
        <span>{wordModelFacts(model)}</span>
        {skipped ? <span>left out: {skipped}</span> : null}
        <span>created {formatDate(model.created_at)}</span>
      </p>
      {building ? (
        <div className="word-model-progress small">
          <ProgressBar value={wordModelFraction(model)} label={`Building ${model.name}`} />
        </div>
      ) : null}
      {canManage ? (
        <div className="actions">
          {!model.active && model.status === 'ready' ? (
            <button type="button" className="button small" disabled={activate.isPending} onClick={() => activate.mutate(model.id)}>
              Activate<span className="visually-hidden"> {model.name}</span>
            </button>
          ) : null}
          <button type="button" className="button small danger-text" disabled={remove.isPending} onClick={() => setConfirming(true)}>
            Delete<span className="visually-hidden"> {model.name}</span>
          </button>
        </div>
      ) : null}
      {activate.isError ? <ErrorMessage title="Could not activate the word model" error={activate.error} /> : null}
      {remove.isError ? <ErrorMessage title="Could not delete the word model" error={remove.error} /> : null}
      <ConfirmDialog
        open={confirming}
        title="Delete the word model?"
        message={`“${model.name}” and its words will be deleted.${model.active ? ' It is the active one: word search and word suggestions stop until another is active.' : ''}`}
        confirmLabel="Delete word model"
        busy={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => remove.mutate(model.id, { onSettled: () => setConfirming(false) })}
      />
    </li>
  );
}
