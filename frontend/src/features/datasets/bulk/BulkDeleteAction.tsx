import { useState } from 'react';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { plural } from '../../../lib/format';

export function BulkDeleteAction({ count, busy, onDelete }: { count: number; busy: boolean; onDelete: () => void }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <button type="button" className="button small danger" disabled={busy} onClick={() => setConfirming(true)}>
        Delete…
      </button>
      <ConfirmDialog
        open={confirming}
        title="Delete items?"
        message={`${plural(count, 'item')} with their annotations will be deleted. This cannot be undone.`}
        confirmLabel={`Delete ${plural(count, 'item')}`}
        busy={busy}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          onDelete();
        }}
      />
    </>
  );
}
