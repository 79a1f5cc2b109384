import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { useToken } from '../../lib/token';
import { TokenForm } from './TokenForm';

export function SettingsButton() {
  const [open, setOpen] = useState(false);
  const token = useToken();
  return (
    <>
      <button type="button" className="button small" onClick={() => setOpen(true)}>
        Settings{token ? <span className="visually-hidden"> (API token set)</span> : null}
      </button>
      <Dialog open={open} title="Settings" onClose={() => setOpen(false)}>
        <TokenForm onSaved={() => setOpen(false)} />
      </Dialog>
    </>
  );
}
