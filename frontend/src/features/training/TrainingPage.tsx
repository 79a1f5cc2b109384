import { Link, useSearchParams } from 'react-router';
import { useProjectId } from '../../app/params';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { ProgressBar } from '../../components/ProgressBar';
import { formatDate } from '../../lib/format';
import { useAccess } from '../auth/api';
import { useRuns } from './api';
import { RunStatusBadge } from './RunStatusBadge';
import { formatMetric } from './runEvents';
import './training.css';

/** The project's training runs, newest first, with a way to start one. */
export function TrainingPage() {
  const projectId = useProjectId();
  const access = useAccess(projectId);
  const runs = useRuns(projectId);
  const [params] = useSearchParams();
  const newHref = `/projects/${projectId}/training/new${params.toString() ? `?${params.toString()}` : ''}`;
  return (
    <div className="page training-page">
      <div className="page-head">
        <h2>Training runs</h2>
        {access.can('train') ? (
          <Link className="button primary" to={newHref}>
            New training run
          </Link>
        ) : null}
      </div>
      {runs.isPending ? (
        <Loading label="Loading the runs…" />
      ) : runs.isError ? (
        <ErrorMessage title="Could not load the runs" error={runs.error} onRetry={() => runs.refetch()} />
      ) : runs.data.runs.length === 0 ? (
        <EmptyState title="No training runs yet">
          <p>A run fine-tunes a model on the project’s annotated images; a successful one adds a model version.</p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">Training runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Latest metrics</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.runs.map((run) => {
                const fraction = typeof run.progress.fraction === 'number' ? run.progress.fraction : null;
                const metrics = Object.entries(run.metrics)
                  .filter(([name]) => name.startsWith('val/'))
                  .slice(0, 3);
                return (
                  <tr key={run.id}>
                    <th scope="row">
                      <Link to={`/projects/${projectId}/training/${run.id}`}>Run {run.id}</Link>
                    </th>
                    <td>
                      {run.kind}
                      <span className="muted small"> · {run.base_model || 'scratch'}</span>
                    </td>
                    <td>
                      <RunStatusBadge status={run.status} cancelling={run.cancel_requested} />
                    </td>
                    <td className="progress-cell">
                      <ProgressBar value={run.status === 'succeeded' ? 1 : fraction} label={`Progress of run ${run.id}`} />
                    </td>
                    <td className="small">
                      {metrics.length ? metrics.map(([name, value]) => `${name} ${formatMetric(value)}`).join(', ') : '—'}
                    </td>
                    <td className="small">{formatDate(run.created_at)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
