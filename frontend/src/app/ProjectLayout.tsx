import { NavLink, Outlet, useLocation } from 'react-router';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { useAccess } from '../features/auth/api';
import { useProject } from '../features/projects/api';
import { useProjectId } from './params';
import { projectSections } from './projectSections';

/** A project's name and tabs above whichever of its screens is open. */
export function ProjectLayout() {
  const projectId = useProjectId();
  const project = useProject(projectId);
  const access = useAccess(projectId);
  const { search } = useLocation();
  // Tabs keep the dataset filters, not the item screen's or the search's own state.
  const params = new URLSearchParams(search);
  for (const own of ['i', 'mode', 'item', 'q', 'k', 'space', 'self', 'model', 'combine']) params.delete(own);
  const tabSearch = params.toString();
  if (project.isPending) return <Loading label="Loading the project…" />;
  if (project.isError) return <ErrorMessage title="Could not open the project" error={project.error} />;
  return (
    <div className="project">
      <div className="project-bar">
        <h1 className="project-title" title={project.data.description || undefined}>
          {project.data.name}
          {access.role && access.me && !access.me.superuser ? <span className="badge">{access.role}</span> : null}
        </h1>
        <nav aria-label="Project" className="tabs">
          {projectSections.filter((section) => !section.needs || access.can(section.needs)).map((section) => (
            <NavLink
              key={section.to}
              to={{ pathname: section.to ? `/projects/${projectId}/${section.to}` : `/projects/${projectId}`, search: tabSearch }}
              end={section.end}
              className={({ isActive }) => (isActive ? 'tab active' : 'tab')}
            >
              {section.label}
            </NavLink>
          ))}
        </nav>
      </div>
      <Outlet />
    </div>
  );
}
