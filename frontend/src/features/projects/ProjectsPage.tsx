import { canCreateProjects } from '../../lib/roles';
import { useMe } from '../auth/api';
import { CreateProjectForm } from './CreateProjectForm';
import { ProjectList } from './ProjectList';
import './projects.css';

export function ProjectsPage() {
  const me = useMe();
  return (
    <div className="page projects-page">
      <h1>Projects</h1>
      <p className="lead">A project holds images with their text, sensor readings and annotations.</p>
      <div className="projects-layout">
        <ProjectList />
        {!me.data || canCreateProjects(me.data) ? <CreateProjectForm /> : null}
      </div>
    </div>
  );
}
