import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { ProgressBar } from '../../../components/ProgressBar';
import { refreshAfterItemChange } from '../../../lib/itemApi';
import { formatEta, importSummary, isFinished, jobProgress } from '../../../lib/jobView';
import { useJob } from '../../../lib/useJob';

/** Follow an import job to its end; refresh the dataset when it has changed it. */
export function JobStatus({ projectId, jobId }: { projectId: number; jobId: string }) {
  const job = useJob(jobId);
  const queryClient = useQueryClient();
  const finished = job.data ? isFinished(job.data) : false;
  useEffect(() => {
    if (finished) void refreshAfterItemChange(queryClient, projectId);
  }, [finished, queryClient, projectId]);

  if (job.isError) return <ErrorMessage title="Could not follow the import" error={job.error} onRetry={() => job.refetch()} />;
  if (!job.data) return <p role="status">Starting the import…</p>;
  const progress = jobProgress(job.data);
  const summary = importSummary(job.data.result);
  return (
    <div className="job-status" aria-live="polite">
      <p>
        <strong>Import {job.data.status}</strong>
        {progress.message ? ` — ${progress.message}` : ''}
        {!finished && progress.etaSeconds !== null ? ` (${formatEta(progress.etaSeconds)})` : ''}
      </p>
      {!finished ? <ProgressBar value={progress.fraction} label="Import progress" /> : null}
      {job.data.status === 'queued' ? (
        <p className="muted">Waiting for a worker. If this does not start, check that `mireru serve` runs a worker.</p>
      ) : null}
      {job.data.error ? (
        <div className="error" role="alert">
          <p>
            <strong>The import failed:</strong> {job.data.error}
          </p>
        </div>
      ) : null}
      {summary ? (
        <div>
          <p>
            {summary.records} records ({summary.format}): {summary.created} new, {summary.updated} updated,{' '}
            {summary.duplicates} duplicates, {summary.skipped} skipped
            {summary.pairs ? `; ${summary.pairs} positive pairs` : ''}.
          </p>
          {summary.errors.length ? (
            <details>
              <summary>{summary.errors.length} problems</summary>
              <ul>
                {summary.errors.map((e, i) => (
                  <li key={i}>
                    {e.filename}: {e.error}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
