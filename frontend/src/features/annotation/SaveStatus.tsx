import { describeError } from '../../lib/errors';
import type { SaveState } from './serialSaver';

export function SaveStatus({ state, onRetry }: { state: SaveState; onRetry: () => void }) {
  if (state.state === 'failed') {
    return (
      <span className="save-status failed" role="alert">
        Not saved: {describeError(state.error)}{' '}
        <button type="button" className="link-button" onClick={onRetry}>
          Retry
        </button>
      </span>
    );
  }
  return (
    <span className={`save-status ${state.state}`} role="status" data-testid="save-status">
      {state.state === 'saving' ? 'Saving…' : 'Saved'}
    </span>
  );
}
