import { useState } from 'react';
import { Link } from 'react-router';
import { useProjectId } from '../../app/params';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { ProgressBar } from '../../components/ProgressBar';
import { formatDate } from '../../lib/format';
import { useAccess } from '../auth/api';
import { AddSpaceForm } from './AddSpaceForm';
import { isBuilding, useActivateSpace, useDeleteSpace, useSpaces, type Space } from './api';
import { spaceProgress, spaceStatusWords } from './spaceView';
import './search.css';

/** The project's embedding spaces: their build progress, which one search uses, and new ones. */
export function SpacesPage() {
  const projectId = useProjectId();
  const access = useAccess(projectId);
  const spaces = useSpaces(projectId);
  const canManage = access.can('manageSpaces');

  return (
    <div className="page spaces-page">
      <p>
        <Link to={`/projects/${projectId}/search`}>← Search</Link>
      </p>
      <h2>Embedding spaces</h2>
      <p className="lead">
        A space embeds every item with one feature extractor; search answers from the active space. A new space is built
        in the background and can be activated once it is ready, while the current one keeps answering.
      </p>
      {spaces.isPending ? (
        <Loading label="Loading the spaces…" />
      ) : spaces.isError ? (
        <ErrorMessage title="Could not load the spaces" error={spaces.error} onRetry={() => spaces.refetch()} />
      ) : spaces.data.spaces.length === 0 ? (
        <EmptyState title="No embedding space yet" />
      ) : (
        <ul className="spaces-list" aria-label="Embedding spaces">
          {spaces.data.spaces.map((space) => (
            <SpaceCard key={space.id} projectId={projectId} space={space} canManage={canManage} />
          ))}
        </ul>
      )}
      {canManage ? (
        <AddSpaceForm projectId={projectId} first={spaces.data?.spaces.length === 0} />
      ) : (
        <p className="muted">Adding and activating spaces needs the trainer role on this project.</p>
      )}
    </div>
  );
}

function SpaceCard({ projectId, space, canManage }: { projectId: number; space: Space; canManage: boolean }) {
  const activate = useActivateSpace(projectId);
  const remove = useDeleteSpace(projectId);
  const [confirming, setConfirming] = useState(false);
  const progress = spaceProgress(space);
  const index = Object.entries(space.index)
    .filter(([key, value]) => key !== 'kind' && value !== null)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');
  return (
    <li className="card space-card" aria-labelledby={`space-${space.id}`}>
      <h3 id={`space-${space.id}`}>
        {space.name}
        {space.active ? <span className="badge">active</span> : null}
      </h3>
      <p className="space-facts">
        <span>Status: {spaceStatusWords(space)}</span>
        <span>
          Model: {space.backbone}:{space.model}
          {space.pretrained ? ` (${space.pretrained})` : ''}
        </span>
        <span>{space.item_count.toLocaleString()} items embedded</span>
        <span>{space.dimension ? `${space.dimension} dimensions` : 'dimension not known yet'}</span>
        <span>
          {space.metric} · {String(space.index.kind)}
          {index ? ` (${index})` : ''}
        </span>
        <span>created {formatDate(space.created_at)}</span>
      </p>
      {progress ? (
        <div className="space-progress small">
          <ProgressBar value={progress.fraction} label={`Building ${space.name}`} />
          <span>{progress.words}</span>
        </div>
      ) : null}
      {canManage ? (
        <div className="actions">
          {!space.active && !space.activation_pending && space.status !== 'failed' ? (
            <button type="button" className="button small" disabled={activate.isPending} onClick={() => activate.mutate(space.id)}>
              {isBuilding(space) ? 'Activate when ready' : 'Activate'}
              <span className="visually-hidden"> {space.name}</span>
            </button>
          ) : null}
          <button type="button" className="button small danger-text" disabled={remove.isPending} onClick={() => setConfirming(true)}>
            Delete<span className="visually-hidden"> {space.name}</span>
          </button>
        </div>
      ) : null}
      {activate.isError ? <ErrorMessage title="Could not activate the space" error={activate.error} /> : null}
      {remove.isError ? <ErrorMessage title="Could not delete the space" error={remove.error} /> : null}
      <ConfirmDialog
        open={confirming}
        title="Delete the space?"
        message={`“${space.name}” and its ${space.item_count.toLocaleString()} vectors will be deleted.${space.active ? ' It is the active space: search stops working until another is active.' : ''}`}
        confirmLabel="Delete space"
        busy={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => remove.mutate(space.id, { onSettled: () => setConfirming(false) })}
      />
    </li>
  );
}
