import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ProgressBar } from '../../components/ProgressBar';
import { plural } from '../../lib/format';
import { toItemFilter, type ItemFilters } from '../../lib/itemFilters';
import { queryKeys } from '../../lib/queryKeys';
import { formatEta, isFinished, jobProgress } from '../../lib/jobView';
import { useJob } from '../../lib/useJob';
import { useModels } from '../models/api';
import { usePendingSuggestions, useStartBatchPredict, useStartCrops } from './api';
import {
  PREDICT_KINDS,
  batchRequest,
  batchSummary,
  cropRequest,
  cropSummary,
  deployedByKind,
  isNoModelDeployed,
  noModelSentence,
  type PredictKind,
} from './suggestionView';
import './suggestions.css';

interface Props {
  projectId: number;
  filters: ItemFilters;
  /** How many items match the filters. */
  total: number;
  filtered: boolean;
  /** Items picked in the grid; when there are some, only they get suggestions. */
  selectedIds?: number[];
}

/** "Suggest with models": run a deployed model over the filtered items in a job; what it finds
 * waits on each item as pending suggestions. */
export function BatchSuggest({ projectId, filters, total, filtered, selectedIds = [] }: Props) {
  const id = useId();
  const queryClient = useQueryClient();
  const models = useModels(projectId);
  const deployed = deployedByKind(models.data?.models ?? []);
  const firstDeployed = PREDICT_KINDS.find((k) => deployed[k.kind])?.kind ?? 'classifier';
  const [chosen, setChosen] = useState<PredictKind | null>(null);
  const kind = chosen ?? firstDeployed;
  const [minScore, setMinScore] = useState('0.5');
  const [topK, setTopK] = useState('1');
  const [problem, setProblem] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [asCrops, setAsCrops] = useState(false);
  const crops = asCrops && kind === 'detector';
  const startBatch = useStartBatchPredict(projectId);
  const startCrops = useStartCrops(projectId);
  const start = crops ? startCrops : startBatch;
  const job = useJob(jobId);
  const finished = job.data ? isFinished(job.data) : false;
  const pending = usePendingSuggestions(projectId);
  useEffect(() => {
    if (!finished) return;
    void queryClient.invalidateQueries({ queryKey: queryKeys.suggestions(projectId) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.items(projectId) });
  }, [finished, queryClient, projectId]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setJobId(null);
    const onSuccess = (started: { id: string }) => setJobId(started.id);
    if (crops) {
      const built = cropRequest(toItemFilter(filters), minScore, selectedIds);
      setProblem(built.error ?? null);
      if (built.body) startCrops.mutate(built.body, { onSuccess });
      return;
    }
    const built = batchRequest(kind, toItemFilter(filters), minScore, topK, selectedIds);
    setProblem(built.error ?? null);
    if (built.body) startBatch.mutate(built.body, { onSuccess });
  };

  const progress = job.data ? jobProgress(job.data) : null;
  const summary = job.data?.status === 'succeeded' && !crops ? batchSummary(job.data.result) : null;
  const cropped = job.data?.status === 'succeeded' ? cropSummary(job.data.result) : null;
  const firstPending = pending.data?.suggestions[0]?.item_id ?? null;
  const busy = start.isPending || (jobId !== null && !finished);
  return (
    <section className="batch-suggest" aria-label="Suggest with models">
      <form className="batch-suggest-form" onSubmit={onSubmit} noValidate>
        <fieldset>
          <legend>Model</legend>
          {PREDICT_KINDS.map((k) => (
            <label key={k.kind} className="radio">
              <input type="radio" name={`${id}-kind`} value={k.kind} checked={kind === k.kind} onChange={() => setChosen(k.kind)} />
              {k.noun}
              <span className="muted small">{deployed[k.kind] ? ` v${deployed[k.kind]?.version}` : ' (none deployed)'}</span>
            </label>
          ))}
        </fieldset>
        <label className="batch-field">
          <span>Minimum score</span>
          <input type="number" min={0} max={1} step="any" value={minScore} onChange={(e) => setMinScore(e.target.value)} />
        </label>
        {kind === 'classifier' ? (
          <label className="batch-field">
            <span>Classes per item</span>
            <input type="number" min={1} max={20} step={1} value={topK} onChange={(e) => setTopK(e.target.value)} />
          </label>
        ) : null}
        {kind === 'detector' ? (
          <label className="checkbox">
            <input type="checkbox" checked={asCrops} onChange={(e) => setAsCrops(e.target.checked)} />
            Instead, store every detection as a new item (a crop linked to its image, searchable)
          </label>
        ) : null}
        <button type="submit" className="button primary" disabled={busy || total === 0}>
          Suggest for {selectedIds.length ? plural(selectedIds.length, 'selected item') : plural(total, 'item')}
        </button>
      </form>
      <p className="small muted">
        Runs the deployed {PREDICT_KINDS.find((k) => k.kind === kind)?.noun} over{' '}
        {selectedIds.length ? 'the selected items' : filtered ? 'every item matching the filters' : 'every item'}; its
        answers wait on each item as suggestions to accept or reject, replacing older pending ones of the same kind.
      </p>
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {start.isError ? (
        isNoModelDeployed(start.error) ? (
          <p role="alert">
            {noModelSentence(kind)} Deploy one under <Link to={`/projects/${projectId}/models`}>Models</Link>, or train one under{' '}
            <Link to={`/projects/${projectId}/training/new`}>Training</Link>.
          </p>
        ) : (
          <ErrorMessage title="Could not start the predictions" error={start.error} />
        )
      ) : null}
      {job.isError ? <ErrorMessage title="Could not follow the job" error={job.error} onRetry={() => job.refetch()} /> : null}
      {job.data && progress ? (
        <div className="job-status" aria-live="polite">
          <p className="small">
            <strong>Predicting: {job.data.status}</strong>
            {progress.message ? ` — ${progress.message}` : ''}
            {!finished && progress.etaSeconds !== null ? ` (${formatEta(progress.etaSeconds)})` : ''}
          </p>
          {!finished ? <ProgressBar value={progress.fraction} label="Prediction progress" /> : null}
          {job.data.status === 'queued' ? <p className="muted small">Waiting for a worker.</p> : null}
          {job.data.error ? (
            <div className="error" role="alert">
              <p>
                <strong>The predictions failed:</strong> {job.data.error}
              </p>
            </div>
          ) : null}
          {cropped ? (
            <p className="small">
              {plural(cropped.crops, 'crop')} stored as new items from {plural(cropped.items, 'item')}.
            </p>
          ) : null}
          {summary ? (
            <p className="small">
              {plural(summary.suggestions, 'suggestion')} on {plural(summary.items, 'item')}.
            </p>
          ) : null}
        </div>
      ) : null}
      {pending.data ? (
        <p className="small">
          {pending.data.total ? `${plural(pending.data.total, 'suggestion')} waiting for review. ` : 'No suggestions waiting for review.'}
          {firstPending !== null ? <Link to={`/projects/${projectId}/items/${firstPending}`}>Review them, item by item →</Link> : null}
        </p>
      ) : null}
    </section>
  );
}
