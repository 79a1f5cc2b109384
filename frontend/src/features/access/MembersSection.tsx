import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import type { Me, Role } from '../../lib/roles';
import { useMembers, useRemoveMember, useSetMember, useUsers, type Member } from './api';
import { RoleSelect } from './RoleSelect';

/** Who holds which role on the project. Superusers pick people from the user list; project
 * admins, who cannot list users, type the user's id. */
export function MembersSection({ projectId, me }: { projectId: number; me: Me }) {
  const members = useMembers(projectId);
  const users = useUsers(me.superuser && me.kind !== 'open');
  const setMember = useSetMember(projectId);
  const remove = useRemoveMember(projectId);
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<Role>('annotator');
  const [removing, setRemoving] = useState<Member | null>(null);
  const candidates = (users.data ?? []).filter((u) => !members.data?.some((m) => m.user_id === u.id));

  const add = (event: FormEvent) => {
    event.preventDefault();
    const id = Number(userId);
    if (!Number.isInteger(id) || id < 1) return;
    setMember.mutate({ userId: id, role }, { onSuccess: () => setUserId('') });
  };

  return (
    <section className="card access-section" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      {members.isPending ? (
        <Loading label="Loading the members…" />
      ) : members.isError ? (
        <ErrorMessage title="Could not load the members" error={members.error} onRetry={() => members.refetch()} />
      ) : members.data.length === 0 ? (
        <p className="muted">No members yet{me.superuser ? ': administrators see every project anyway.' : '.'}</p>
      ) : (
        <ul className="access-list" aria-label="Members">
          {members.data.map((m) => (
            <li key={m.user_id}>
              <span className="access-name">
                {m.username}
                <span className="muted small"> (user {m.user_id})</span>
              </span>
              <RoleSelect
                label={`Role of ${m.username}`}
                hideLabel
                value={m.role}
                disabled={setMember.isPending}
                onChange={(r) => setMember.mutate({ userId: m.user_id, role: r })}
              />
              <button type="button" className="button small danger-text" onClick={() => setRemoving(m)}>
                Remove<span className="visually-hidden"> {m.username}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="access-form" onSubmit={add} aria-label="Add a member">
        {users.data ? (
          <label className="field">
            <span>User</span>
            <select value={userId} onChange={(e) => setUserId(e.target.value)} required>
              <option value="">Choose…</option>
              {candidates.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.username}
                  {u.is_admin ? ' (administrator)' : ''}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label className="field">
            <span>User id</span>
            <input type="text" inputMode="numeric" pattern="[0-9]+" value={userId} onChange={(e) => setUserId(e.target.value)} required />
          </label>
        )}
        <RoleSelect label="Role" value={role} onChange={setRole} />
        <button type="submit" className="button primary" disabled={setMember.isPending || !userId}>
          Add member
        </button>
      </form>
      {users.isError ? <ErrorMessage title="Could not list the users" error={users.error} /> : null}
      {setMember.isError ? <ErrorMessage title="Could not set the role" error={setMember.error} /> : null}
      {remove.isError ? <ErrorMessage title="Could not remove the member" error={remove.error} /> : null}
      <ConfirmDialog
        open={removing !== null}
        title="Remove the member?"
        message={removing ? `${removing.username} loses the ${removing.role} role on this project.` : ''}
        confirmLabel="Remove"
        busy={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (removing) remove.mutate(removing.user_id);
          setRemoving(null);
        }}
      />
    </section>
  );
}
