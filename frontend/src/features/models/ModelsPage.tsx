import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useProjectId } from '../../app/params';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { download } from '../../lib/download';
import { formatDate } from '../../lib/format';
import { useAccess } from '../auth/api';
import { useDeleteModel, useModels, useRollbackModel, type ModelVersion } from './api';
import { DeployDialog } from './DeployDialog';
import { ModelComparisonTable } from './ModelComparisonTable';
import { ModelDetails } from './ModelDetails';
import { deploymentWords, formatGain, metricGain, modelFacts, modelTitle, modelWarnings, primaryColumns, toggleCompared } from './modelView';
import '../training/training.css';
import './models.css';

/** Model versions made by training runs: compare, deploy, roll back, download, delete. */
export function ModelsPage() {
  const projectId = useProjectId();
  const access = useAccess(projectId);
  const models = useModels(projectId);
  const rollback = useRollbackModel(projectId);
  const remove = useDeleteModel(projectId);
  const [params] = useSearchParams();
  const highlighted = Number(params.get('model'));
  const [compared, setCompared] = useState<number[]>([]);
  // The version read closely below the list: the one picked, else the highlighted, else the newest.
  const [detailed, setDetailed] = useState<number | null>(null);
  const [deleting, setDeleting] = useState<ModelVersion | null>(null);
  // The version whose deploy dialog is open: it compares the version with the deployed one first.
  const [deploying, setDeploying] = useState<ModelVersion | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const canDeploy = access.can('deploy');
  const canDelete = access.can('deleteModel');

  if (models.isPending) return <Loading label="Loading the model versions…" />;
  if (models.isError) return <ErrorMessage title="Could not load the model versions" error={models.error} onRetry={() => models.refetch()} />;
  const list = models.data.models;
  const columns = primaryColumns(list);
  const shown = list.find((m) => m.id === detailed) ?? list.find((m) => m.id === highlighted) ?? list[0];
  const busy = rollback.isPending || remove.isPending;

  return (
    <div className="page training-page models-page">
      <div className="page-head">
        <h2>Model versions</h2>
        {compared.length ? (
          <span className="small">
            {compared.length} selected to compare{compared.length < 2 ? ' (pick one more)' : ''}{' '}
            <button type="button" className="link-button" onClick={() => setCompared([])}>
              Clear
            </button>
          </span>
        ) : list.length > 1 ? (
          <span className="small muted">Tick two or more versions to compare their metrics.</span>
        ) : null}
      </div>
      {rollback.isError ? <ErrorMessage title="Could not roll back" error={rollback.error} /> : null}
      {remove.isError ? <ErrorMessage title="Could not delete the version" error={remove.error} /> : null}
      {downloadError ? <ErrorMessage title="Could not download the model" error={downloadError} /> : null}
      <p className="small" role="status" aria-live="polite">
        {busy ? 'Working…' : done}
      </p>
      {list.length === 0 ? (
        <EmptyState title="No model versions yet">
          <p>
            A successful <Link to={`/projects/${projectId}/training`}>training run</Link> adds a version here.
          </p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="data-table models-table">
            <caption className="visually-hidden">Model versions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Compare</span>
                </th>
                <th scope="col">Version</th>
                {columns.map((c) => (
                  <th key={c.name} scope="col" className="num" title={c.name}>
                    {c.label}
                    <span className="visually-hidden"> ({c.name})</span>
                  </th>
                ))}
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((m) => {
                const title = modelTitle(m);
                const warnings = modelWarnings(m);
                return (
                  <tr key={m.id} className={m.id === highlighted ? 'highlighted' : undefined} aria-current={m.id === highlighted ? 'true' : undefined}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Compare ${title}`}
                        checked={compared.includes(m.id)}
                        onChange={() => setCompared((ids) => toggleCompared(ids, m.id))}
                      />
                    </td>
                    <th scope="row">
                      {title}
                      {warnings.length ? (
                        <span className="badge warning-badge" title={warnings.join('\n')}>
                          {warnings.length} {warnings.length === 1 ? 'warning' : 'warnings'}
                        </span>
                      ) : null}
                      <div className="small muted">
                        {modelFacts(m)}
                        {m.run_id !== null ? (
                          <>
                            {' · '}
                            <Link to={`/projects/${projectId}/training/${m.run_id}`}>curves</Link>
                          </>
                        ) : null}
                      </div>
                    </th>
                    {columns.map((c) => {
                      const gain = metricGain(m.metrics, c.name);
                      return (
                        <td key={c.name} className="num">
                          {gain ? gain.value.toFixed(2) : '—'}
                          {gain?.overUntrained != null ? <span className="gain small muted">{formatGain(gain.overUntrained)} over untrained</span> : null}
                          {gain?.overSpace != null ? <span className="gain small muted">{formatGain(gain.overSpace)} over the active space</span> : null}
                        </td>
                      );
                    })}
                    <td>{m.deployed ? <span className="status-badge status-succeeded">{deploymentWords(m)}</span> : <span className="muted small">not deployed</span>}</td>
                    <td className="small">{formatDate(m.created_at)}</td>
                    <td>
                      <div className="row-actions">
                        {canDeploy && !m.deployed ? (
                          <button
                            type="button"
                            className="button small primary"
                            disabled={busy}
                            onClick={() => {
                              setDone(null);
                              setDeploying(m);
                            }}
                          >
                            Deploy<span className="visually-hidden"> {title}</span>
                          </button>
                        ) : null}
                        {canDeploy && m.deployed ? (
                          <button
                            type="button"
                            className="button small"
                            disabled={busy}
                            title="Deploy the version that was deployed before this one again"
                            onClick={() =>
                              rollback.mutate(m.id, {
                                onSuccess: (restored) => setDone(restored ? `Rolled back to ${modelTitle(restored)}.` : 'Rolled back.'),
                              })
                            }
                          >
                            Roll back<span className="visually-hidden"> {title}</span>
                          </button>
                        ) : null}
                        <button type="button" className="button small" aria-pressed={shown?.id === m.id} onClick={() => setDetailed(m.id)}>
                          Details<span className="visually-hidden"> {title}</span>
                        </button>
                        <button
                          type="button"
                          className="button small"
                          onClick={() => {
                            setDownloadError(null);
                            download(m.download_url, `model-v${m.version}.pt`).catch(setDownloadError);
                          }}
                        >
                          Download<span className="visually-hidden"> {title}</span>
                        </button>
                        {canDelete ? (
                          <button
                            type="button"
                            className="button small danger-text"
                            disabled={busy || m.deployed}
                            title={m.deployed ? 'A deployed version cannot be deleted: deploy another or roll back first' : undefined}
                            onClick={() => setDeleting(m)}
                          >
                            Delete<span className="visually-hidden"> {title}</span>
                          </button>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {shown ? <ModelDetails model={shown} /> : null}
      {compared.length >= 2 ? <ModelComparisonTable projectId={projectId} ids={compared} /> : null}
      <DeployDialog
        projectId={projectId}
        model={deploying}
        onClose={() => setDeploying(null)}
        onDeployed={(message) => {
          setDeploying(null);
          setDone(message);
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete the model version?"
        message={deleting ? `${modelTitle(deleting)} and its file will be deleted. This cannot be undone.` : ''}
        confirmLabel="Delete version"
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          const target = deleting;
          setDeleting(null);
          if (!target) return;
          setCompared((ids) => ids.filter((id) => id !== target.id));
          remove.mutate(target.id, { onSuccess: () => setDone(`${modelTitle(target)} deleted.`) });
        }}
      />
    </div>
  );
}
