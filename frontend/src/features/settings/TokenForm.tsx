import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { setToken, useToken } from '../../lib/token';

/** A bearer credential instead of signing in: the server's MIRERU_ADMIN_TOKEN or a project API key. */
export function TokenForm({ onSaved }: { onSaved: () => void }) {
  const current = useToken();
  const [value, setValue] = useState(current ?? '');
  const queryClient = useQueryClient();

  const save = (token: string | null) => {
    setToken(token);
    // Everything fetched with the old token (or none) is fetched again.
    void queryClient.invalidateQueries();
    onSaved();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save(value);
  };

  return (
    <form onSubmit={onSubmit} className="token-form">
      <label className="field">
        <span>API token</span>
        <input
          type="password"
          autoComplete="off"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-describedby="token-help"
        />
      </label>
      <p id="token-help" className="muted">
        The server's <code>MIRERU_ADMIN_TOKEN</code> or a project API key, for when you do not sign in with a
        password. It is kept in this browser and sent as <code>Authorization: Bearer …</code>.
      </p>
      <div className="actions">
        {current ? (
          <button type="button" className="button" onClick={() => save(null)}>
            Forget token
          </button>
        ) : null}
        <button type="submit" className="button primary">
          Save
        </button>
      </div>
    </form>
  );
}
