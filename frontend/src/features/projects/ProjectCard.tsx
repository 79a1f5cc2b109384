import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import type { Project } from '../../lib/api';
import { formatDate, plural } from '../../lib/format';
import { useAccess } from '../auth/api';
import { useDeleteProject } from './api';

/** The sample project that `mireru serve` loads on first start is named "Sample: …". */
export const isSampleProject = (project: Project) => project.name.startsWith('Sample:');

export function ProjectCard({ project }: { project: Project }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteProject();
  const access = useAccess(project.id);
  return (
    <article className="card project-card" aria-labelledby={`project-${project.id}`}>
      <h3 id={`project-${project.id}`}>
        <Link to={`/projects/${project.id}`}>{project.name}</Link>
        {isSampleProject(project) ? <span className="badge">sample</span> : null}
      </h3>
      {project.description ? <p className="muted">{project.description}</p> : null}
      <p className="project-meta">
        {plural(project.item_count ?? 0, 'item')} · created {formatDate(project.created_at)}
      </p>
      <div className="actions">
        <Link className="button small" to={`/projects/${project.id}/transfer`}>
          Import & export
        </Link>
        {access.can('deleteProject') ? (
          <button type="button" className="button small danger-text" onClick={() => setConfirming(true)}>
            Delete<span className="visually-hidden"> {project.name}</span>
          </button>
        ) : null}
      </div>
      {remove.isError ? <ErrorMessage title="Could not delete the project" error={remove.error} /> : null}
      <ConfirmDialog
        open={confirming}
        title="Delete project?"
        message={`“${project.name}” and its ${plural(project.item_count ?? 0, 'item')} with all annotations will be deleted. This cannot be undone.`}
        confirmLabel="Delete project"
        busy={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => remove.mutate(project.id, { onSettled: () => setConfirming(false) })}
      />
    </article>
  );
}
