/** A run's status as a coloured word. */
export function RunStatusBadge({ status, cancelling }: { status: string; cancelling?: boolean }) {
  const words = cancelling && (status === 'running' || status === 'queued') ? 'stopping' : status;
  return <span className={`status-badge status-${status}`}>{words}</span>;
}
