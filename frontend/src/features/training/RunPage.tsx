import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { useProjectId } from '../../app/params';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { ProgressBar } from '../../components/ProgressBar';
import { describeError } from '../../lib/errors';
import { formatDate, formatValue } from '../../lib/format';
import { queryKeys } from '../../lib/queryKeys';
import { useAccess } from '../auth/api';
import { useCancelRun, useResumeRun, useRun } from './api';
import { LineChart } from './LineChart';
import { LogTail } from './LogTail';
import { RunStatusBadge } from './RunStatusBadge';
import { chartGroups, isFinishedStatus, pointCount, progressWords } from './runEvents';
import { useRunStream } from './useRunStream';
import './training.css';

/** A setting or summary value in a few words: long lists are cut short. */
function formatFact(value: unknown): string {
  if (Array.isArray(value)) {
    const shown = value.slice(0, 6).map(formatValue).join(', ');
    return value.length > 6 ? `${value.length}: ${shown}, …` : shown;
  }
  return formatValue(value);
}

const CONNECTION_WORDS = {
  connecting: 'connecting to the live feed…',
  live: 'live',
  reconnecting: 'reconnecting…',
  ended: '',
  failed: 'live feed unavailable',
} as const;

/** One run, live: status, progress with ETA, loss and metric curves, the log, and Cancel. */
export function RunPage() {
  const projectId = useProjectId();
  const runId = Number(useParams().runId);
  const access = useAccess(projectId);
  const detail = useRun(projectId, runId);
  const stream = useRunStream(projectId, runId, Number.isInteger(runId) && runId > 0);
  const cancel = useCancelRun(projectId);
  const resume = useResumeRun(projectId);
  const queryClient = useQueryClient();
  const live = stream.run;
  const status = live.status?.status ?? detail.data?.status ?? 'queued';
  const finished = isFinishedStatus(status);
  const cancelling = live.status?.cancel_requested ?? detail.data?.cancel_requested ?? false;

  // When the run changes state, what the page read once (the run, the lists) is stale.
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.run(projectId, runId) });
    if (finished) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.runs(projectId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.models(projectId) });
    }
  }, [status, finished, queryClient, projectId, runId]);

  const groups = useMemo(() => chartGroups(Object.keys(live.series)), [live.series]);
  if (detail.isPending) return <Loading label="Loading the run…" />;
  if (detail.isError) return <ErrorMessage title="Could not open the run" error={detail.error} onRetry={() => detail.refetch()} />;
  const run = detail.data;
  const progress = live.progress;
  const fraction = status === 'succeeded' ? 1 : (progress?.fraction ?? (status === 'queued' ? null : 0));
  const modelId = live.status?.model_version_id ?? run.model_version_id ?? null;
  const error = live.status?.error ?? run.error;
  const canTrain = access.can('train');

  return (
    <div className="page training-page run-page">
      <p>
        <Link to={`/projects/${projectId}/training`}>← Training runs</Link>
      </p>
      <div className="run-head">
        <h2>
          Run {run.id}: {run.kind}
          <span className="muted"> from {run.base_model || 'scratch'}</span>
        </h2>
        <RunStatusBadge status={status} cancelling={cancelling} />
        <span className="small muted" aria-live="polite">
          {CONNECTION_WORDS[stream.connection]}
        </span>
        <div className="run-actions">
          {canTrain && !finished ? (
            <button type="button" className="button danger-text" disabled={cancel.isPending || cancelling} onClick={() => cancel.mutate(run.id)}>
              {cancelling ? 'Stopping after this step…' : 'Cancel run'}
            </button>
          ) : null}
          {canTrain && (status === 'failed' || status === 'cancelled') && run.checkpoint ? (
            <button type="button" className="button" disabled={resume.isPending} onClick={() => resume.mutate(run.id)}>
              Resume from the checkpoint
            </button>
          ) : null}
          {modelId !== null ? (
            <Link className="button primary" to={`/projects/${projectId}/models?model=${modelId}`}>
              Model version made by this run
            </Link>
          ) : null}
        </div>
      </div>
      {cancel.isError ? <ErrorMessage title="Could not cancel the run" error={cancel.error} /> : null}
      {resume.isError ? <ErrorMessage title="Could not resume the run" error={resume.error} /> : null}
      {error ? <ErrorMessage title={status === 'failed' ? 'The run failed' : 'Problem'} error={error} /> : null}
      {stream.connection === 'failed' ? <ErrorMessage title="The live feed is unavailable" error={stream.error} /> : null}
      {stream.connection === 'reconnecting' && stream.error ? (
        <p className="small muted">Lost the live feed ({describeError(stream.error)}); trying again.</p>
      ) : null}

      <section className="run-progress" aria-label="Progress">
        <ProgressBar value={fraction} label="Training progress" />
        <p className="small" role="status">
          {status === 'queued' && !progress
            ? 'Waiting for a worker on the training queue…'
            : `${fraction !== null ? `${Math.round(fraction * 100)}% · ` : ''}${progressWords(progress, !finished)}`}
          {run.attempt > 1 ? ` · attempt ${run.attempt} of ${run.max_attempts}` : ''}
          {live.status?.device ?? run.device ? ` · on ${live.status?.device ?? run.device}` : ''}
        </p>
      </section>

      <section className="run-charts" aria-label="Curves" data-points={pointCount(live.series)}>
        {groups.length ? (
          groups.map((g) => <LineChart key={g.title} title={g.title} names={g.names} series={live.series} />)
        ) : (
          <p className="muted">{finished ? 'This run recorded no metrics.' : 'The curves start with the first training step.'}</p>
        )}
      </section>

      <div className="run-details">
        <section aria-labelledby="run-log-title">
          <h3 id="run-log-title">Log</h3>
          <LogTail lines={live.logs} />
        </section>
        <section aria-labelledby="run-settings-title">
          <h3 id="run-settings-title">Settings</h3>
          <dl className="facts">
            <div className="fact">
              <dt>Started</dt>
              <dd>{run.started_at ? formatDate(run.started_at) : 'not yet'}</dd>
            </div>
            {run.finished_at ? (
              <div className="fact">
                <dt>Finished</dt>
                <dd>{formatDate(run.finished_at)}</dd>
              </div>
            ) : null}
            {Object.entries(run.dataset_summary).map(([key, value]) => (
              <div key={`d-${key}`} className="fact">
                <dt>{key.replace(/_/g, ' ')}</dt>
                <dd>{formatFact(value)}</dd>
              </div>
            ))}
            {Object.entries(run.params).map(([key, value]) => (
              <div key={`p-${key}`} className="fact">
                <dt>{key}</dt>
                <dd>{formatValue(value)}</dd>
              </div>
            ))}
          </dl>
        </section>
      </div>
    </div>
  );
}
