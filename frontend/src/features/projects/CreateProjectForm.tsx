import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useCreateProject } from './api';

export function CreateProjectForm() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useCreateProject();
  const navigate = useNavigate();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), description: description.trim() },
      { onSuccess: (project) => navigate(`/projects/${project.id}`) },
    );
  };

  return (
    <form className="card create-project" onSubmit={onSubmit} aria-labelledby="create-project-title">
      <h2 id="create-project-title">New project</h2>
      <label className="field">
        <span>Name</span>
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <label className="field">
        <span>Description</span>
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} rows={3} />
      </label>
      {create.isError ? <ErrorMessage title="Could not create the project" error={create.error} /> : null}
      <button type="submit" className="button primary" disabled={create.isPending || !name.trim()}>
        {create.isPending ? 'Creating…' : 'Create project'}
      </button>
    </form>
  );
}
