import { NavLink, Outlet, useLocation } from 'react-router';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { useProject } from '../features/projects/api';
import { useProjectId } from './params';
import { projectSections } from './projectSections';

/** A project's name and tabs above whichever of its screens is open. */
export function ProjectLayout() {
  const projectId = useProjectId();
  const project = useProject(projectId);
  const { search } = useLocation();
  // Tabs keep the dataset filters, not the item screen's own position.
  const params = new URLSearchParams(search);
  params.delete('i');
  const tabSearch = params.toString();
  if (project.isPending) return <Loading label="Loading the project…" />;
  if (project.isError) return <ErrorMessage title="Could not open the project" error={project.error} />;
  return (
    <div className="project">
      <div className="project-bar">
        <h1 className="project-title" title={project.data.description || undefined}>
          {project.data.name}
        </h1>
        <nav aria-label="Project" className="tabs">
          {projectSections.map((section) => (
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
