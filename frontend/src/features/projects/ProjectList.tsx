import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { useProjects } from './api';
import { ProjectCard } from './ProjectCard';

export function ProjectList() {
  const projects = useProjects();
  if (projects.isPending) return <Loading label="Loading projects…" />;
  if (projects.isError) {
    return <ErrorMessage title="Could not load the projects" error={projects.error} onRetry={() => projects.refetch()} />;
  }
  if (!projects.data.projects.length) {
    return (
      <EmptyState title="No projects yet">
        <p>
          Create one to upload images. <code>mireru serve</code> also loads a sample project (photos and handwritten
          digits with labels, keywords and sensor readings) on a fresh install unless started with{' '}
          <code>--no-sample</code>.
        </p>
      </EmptyState>
    );
  }
  return (
    <section aria-labelledby="project-list-title">
      <h2 id="project-list-title" className="visually-hidden">
        All projects
      </h2>
      <ul className="project-list">
        {projects.data.projects.map((project) => (
          <li key={project.id}>
            <ProjectCard project={project} />
          </li>
        ))}
      </ul>
    </section>
  );
}
