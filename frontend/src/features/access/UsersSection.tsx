import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { formatDate } from '../../lib/format';
import type { Me } from '../../lib/roles';
import { useSignIn } from '../auth/api';
import { useCreateUser, useUsers } from './api';

const MIN_PASSWORD = 8;

/** Accounts (superusers only). In the open single-user mode this is where access control is
 * switched on: the first account is an administrator, and this browser signs in as it. */
export function UsersSection({ me }: { me: Me }) {
  const open = me.kind === 'open';
  const users = useUsers(!open);
  const create = useCreateUser();
  const signIn = useSignIn();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [admin, setAdmin] = useState(open);
  const [done, setDone] = useState<string | null>(null);
  const tooShort = password.length > 0 && password.length < MIN_PASSWORD;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!username.trim() || password.length < MIN_PASSWORD) return;
    const body = { username: username.trim(), password, is_admin: open || admin };
    setDone(null);
    create.mutate(body, {
      onSuccess: (user) => {
        if (open) {
          // From now on the server asks everyone to sign in: do it for this browser at once.
          signIn.mutate({ username: body.username, password });
          return;
        }
        setDone(`Account “${user.username}” created (user ${user.id}). Give it a role on a project under Members.`);
        setUsername('');
        setPassword('');
        setAdmin(false);
      },
    });
  };

  return (
    <section className="card access-section" aria-labelledby="users-title">
      <h2 id="users-title">{open ? 'Turn on sign-in' : 'Users'}</h2>
      {open ? (
        <p>
          This server runs in single-user mode: nobody signs in and everyone may do everything. Creating the first
          account (an administrator) turns on sign-in for everyone; this browser signs in with it.
        </p>
      ) : users.isPending ? (
        <Loading label="Loading the users…" />
      ) : users.isError ? (
        <ErrorMessage title="Could not load the users" error={users.error} onRetry={() => users.refetch()} />
      ) : (
        <ul className="access-list" aria-label="Users">
          {users.data.map((u) => (
            <li key={u.id}>
              <span className="access-name">
                {u.username}
                <span className="muted small">
                  {' '}
                  user {u.id}
                  {u.is_admin ? ' · administrator' : ''}
                  {u.disabled ? ' · disabled' : ''} · since {formatDate(u.created_at)}
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
      <form className="access-form" onSubmit={onSubmit} aria-label={open ? 'Create the first administrator' : 'Create a user'}>
        <label className="field">
          <span>Username</span>
          <input type="text" required autoComplete="off" pattern="[A-Za-z0-9_.@\-]+" maxLength={100} value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="field">
          <span>Password (at least {MIN_PASSWORD} characters)</span>
          <input
            type="password"
            required
            autoComplete="new-password"
            minLength={MIN_PASSWORD}
            value={password}
            aria-invalid={tooShort || undefined}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {open ? null : (
          <label className="checkbox">
            <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} />
            Administrator (every role on every project)
          </label>
        )}
        <button type="submit" className="button primary" disabled={create.isPending || signIn.isPending || !username.trim() || password.length < MIN_PASSWORD}>
          {open ? 'Create administrator and sign in' : 'Create user'}
        </button>
      </form>
      {create.isError ? <ErrorMessage title="Could not create the account" error={create.error} /> : null}
      {signIn.isError ? <ErrorMessage title="Created, but could not sign in" error={signIn.error} /> : null}
      <p className="small" role="status">
        {done}
      </p>
    </section>
  );
}
