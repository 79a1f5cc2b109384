import { useState } from 'react';
import { ComboBox } from '../../components/ComboBox';
import { useIdentities } from '../../lib/itemApi';

interface Props {
  projectId: number;
  identity: string | null;
  onChange: (identity: string | null) => void;
}

/** Which individual or group the image shows (the same identity across images). */
export function IdentityField({ projectId, identity, onChange }: Props) {
  const [draft, setDraft] = useState('');
  const identities = useIdentities(projectId);
  const needle = draft.trim().toLowerCase();
  const suggestions = (identities.data ?? [])
    .filter((i) => i.identity !== identity && i.identity.toLowerCase().includes(needle))
    .map((i) => ({ value: i.identity, hint: String(i.count) }));
  return (
    <section className="panel-section" aria-labelledby="identity-title">
      <h2 id="identity-title">Identity</h2>
      {identity ? (
        <p className="active-condition">
          <strong>{identity}</strong>{' '}
          <button type="button" className="link-button" onClick={() => onChange(null)} aria-label={`Clear identity ${identity}`}>
            clear
          </button>
        </p>
      ) : null}
      <ComboBox
        label={identity ? 'Change identity' : 'Set identity'}
        hideLabel
        placeholder={identity ? 'Change identity…' : 'Identity, then Enter'}
        value={draft}
        onChange={setDraft}
        onCommit={(value) => {
          onChange(value);
          setDraft('');
        }}
        suggestions={suggestions}
      />
    </section>
  );
}
