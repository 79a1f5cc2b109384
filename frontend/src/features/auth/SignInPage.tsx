import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { describeMe } from '../../lib/roles';
import { setToken, useToken } from '../../lib/token';
import { TokenForm } from '../settings/TokenForm';
import { needsSignIn, useMe, useSignIn } from './api';
import { safeNext } from './safeNext';
import './auth.css';

export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const me = useMe();
  const signIn = useSignIn();
  const token = useToken();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ username: username.trim(), password }, { onSuccess: () => navigate(next, { replace: true }) });
  };

  const signedIn = me.data && !me.isError;
  return (
    <div className="sign-in">
      <main id="main" className="card sign-in-card">
        <h1 className="sign-in-brand">
          <img src="/favicon.svg" alt="" width={28} height={28} /> Mireru
        </h1>
        {me.isPending ? (
          <Loading label="Checking who you are…" />
        ) : signedIn ? (
          <>
            <p>
              {me.data.kind === 'open'
                ? 'This server runs in single-user mode: there is no administrator yet, so no sign-in is needed.'
                : `You are signed in (${describeMe(me.data)}).`}
            </p>
            <div className="actions">
              <Link className="button primary" to={next}>
                Continue
              </Link>
            </div>
          </>
        ) : (
          <>
            <h2>Sign in</h2>
            {me.isError && !needsSignIn(me.error) ? <ErrorMessage title="Cannot check the session" error={me.error} /> : null}
            <form onSubmit={onSubmit} className="sign-in-form">
              <label className="field">
                <span>Username</span>
                <input
                  type="text"
                  name="username"
                  autoComplete="username"
                  required
                  autoFocus
                  value={username}
                  onChange={(e) => setUsername(e.target.value)}
                />
              </label>
              <label className="field">
                <span>Password</span>
                <input
                  type="password"
                  name="password"
                  autoComplete="current-password"
                  required
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              </label>
              {signIn.isError ? <ErrorMessage title="Not signed in" error={signIn.error} /> : null}
              <div className="actions">
                <button type="submit" className="button primary" disabled={signIn.isPending || !username.trim() || !password}>
                  {signIn.isPending ? 'Signing in…' : 'Sign in'}
                </button>
              </div>
            </form>
            {token ? (
              <p className="muted small">
                The API token saved in this browser was not accepted.{' '}
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    setToken(null);
                    void queryClient.invalidateQueries();
                  }}
                >
                  Forget it
                </button>
              </p>
            ) : null}
            <details className="sign-in-token">
              <summary>Use an API token or key instead</summary>
              <TokenForm onSaved={() => navigate(next, { replace: true })} />
            </details>
          </>
        )}
      </main>
    </div>
  );
}
