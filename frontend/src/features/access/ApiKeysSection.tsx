import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { formatDate } from '../../lib/format';
import type { Role } from '../../lib/roles';
import { useApiKeys, useCreateApiKey, useRevokeApiKey, type ApiKey, type ApiKeyCreated } from './api';
import { RoleSelect } from './RoleSelect';

/** Keys for integrating systems: one project, one role. The secret is shown once, on creation. */
export function ApiKeysSection({ projectId }: { projectId: number }) {
  const keys = useApiKeys(projectId);
  const create = useCreateApiKey(projectId);
  const revoke = useRevokeApiKey(projectId);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    create.mutate(
      { name: name.trim(), role },
      {
        onSuccess: (key) => {
          setCreated(key);
          setName('');
        },
      },
    );
  };
  const active = (keys.data ?? []).filter((k) => !k.revoked_at);
  const revoked = (keys.data ?? []).filter((k) => k.revoked_at);

  return (
    <section className="card access-section" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <p className="muted small">
        For scripts and other systems: send the key as <code>Authorization: Bearer …</code>. A key works on this project
        only, with the role it was given.
      </p>
      {created ? <NewKey created={created} onDone={() => setCreated(null)} /> : null}
      {keys.isPending ? (
        <Loading label="Loading the keys…" />
      ) : keys.isError ? (
        <ErrorMessage title="Could not load the keys" error={keys.error} onRetry={() => keys.refetch()} />
      ) : active.length === 0 ? (
        <p className="muted">No active keys.</p>
      ) : (
        <ul className="access-list" aria-label="API keys">
          {active.map((k) => (
            <li key={k.id}>
              <span className="access-name">
                {k.name} <code className="small">{k.prefix}…</code>
                <span className="muted small">
                  {' '}
                  {k.role} · created {formatDate(k.created_at)} · {k.last_used_at ? `last used ${formatDate(k.last_used_at)}` : 'never used'}
                </span>
              </span>
              <button type="button" className="button small danger-text" onClick={() => setRevoking(k)}>
                Revoke<span className="visually-hidden"> {k.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {revoked.length ? (
        <details className="small">
          <summary>{revoked.length} revoked</summary>
          <ul>
            {revoked.map((k) => (
              <li key={k.id}>
                {k.name} ({k.role}), revoked {k.revoked_at ? formatDate(k.revoked_at) : ''}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <form className="access-form" onSubmit={onSubmit} aria-label="Create an API key">
        <label className="field">
          <span>Key name</span>
          <input type="text" required maxLength={200} placeholder="e.g. camera uploader" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <RoleSelect label="Key role" value={role} onChange={setRole} />
        <button type="submit" className="button primary" disabled={create.isPending || !name.trim()}>
          Create key
        </button>
      </form>
      {create.isError ? <ErrorMessage title="Could not create the key" error={create.error} /> : null}
      {revoke.isError ? <ErrorMessage title="Could not revoke the key" error={revoke.error} /> : null}
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke the key?"
        message={revoking ? `“${revoking.name}” stops working at once. This cannot be undone.` : ''}
        confirmLabel="Revoke key"
        busy={revoke.isPending}
        onCancel={() => setRevoking(null)}
        onConfirm={() => {
          if (revoking) revoke.mutate(revoking.id);
          setRevoking(null);
        }}
      />
    </section>
  );
}

function NewKey({ created, onDone }: { created: ApiKeyCreated; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };
  return (
    <div className="new-key" role="region" aria-label="New API key">
      <p>
        <strong>Key “{created.name}” ({created.role}) created.</strong> Copy it now: it is shown only this once.
      </p>
      <div className="inline-form">
        <input type="text" readOnly value={created.key} aria-label="The new API key" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="button" onClick={copy}>
          Copy
        </button>
      </div>
      <p className="small" role="status">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'no' ? 'The browser did not allow copying: select the key and copy it.' : ''}
      </p>
      <button type="button" className="button small" onClick={onDone}>
        I have saved it
      </button>
    </div>
  );
}
