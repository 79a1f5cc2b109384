import { Link } from 'react-router';
import { ProgressBar } from '../../../components/ProgressBar';
import { formatBytes, plural } from '../../../lib/format';
import type { UploadEntry, UploadSummary } from './uploadQueue';

interface Props {
  projectId: number;
  entries: readonly UploadEntry[];
  summary: UploadSummary;
  onRetry: (key: string) => void;
  onClearFinished: () => void;
}

const STATUS_WORDS = { queued: 'waiting', uploading: 'uploading', done: 'uploaded', duplicate: 'already in the project', failed: 'failed' };

/** Every file of the upload queue with its progress, or its error in words. */
export function UploadList({ projectId, entries, summary, onRetry, onClearFinished }: Props) {
  if (!entries.length) return null;
  const finished = summary.done + summary.duplicates;
  return (
    <section className="upload-list" aria-labelledby="uploads-title">
      <div className="upload-list-head">
        <h2 id="uploads-title">Uploads</h2>
        <p role="status" className="muted">
          {summary.active ? `${plural(summary.active, 'file')} to go · ` : ''}
          {finished} of {summary.total} done{summary.failed ? ` · ${summary.failed} failed` : ''}
        </p>
        {finished ? (
          <button type="button" className="link-button" onClick={onClearFinished}>
            Clear finished
          </button>
        ) : null}
      </div>
      <ul>
        {entries.map((entry) => (
          <li key={entry.key} className={`upload ${entry.status}`} data-status={entry.status}>
            <span className="upload-name" title={entry.file.name}>
              {entry.itemId && entry.status !== 'failed' ? (
                <Link to={`/projects/${projectId}/items/${entry.itemId}`}>{entry.file.name}</Link>
              ) : (
                entry.file.name
              )}
            </span>
            <span className="upload-size">{formatBytes(entry.file.size)}</span>
            {entry.status === 'uploading' || entry.status === 'queued' ? (
              <ProgressBar value={entry.status === 'queued' ? 0 : entry.progress} label={`Uploading ${entry.file.name}`} />
            ) : null}
            <span className="upload-status">{STATUS_WORDS[entry.status]}</span>
            {entry.error ? (
              <span className="upload-error" role="alert">
                {entry.error}
              </span>
            ) : null}
            {entry.status === 'failed' ? (
              <button type="button" className="link-button" onClick={() => onRetry(entry.key)}>
                Retry<span className="visually-hidden"> {entry.file.name}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
