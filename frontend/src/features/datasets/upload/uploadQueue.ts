// The upload queue's state: one entry per file, each uploaded in its own request so that each
// has its own progress and its own error (a multi-file request is all-or-nothing).

export type UploadStatus = 'queued' | 'uploading' | 'done' | 'duplicate' | 'failed';

export interface UploadEntry {
  key: string;
  file: File;
  status: UploadStatus;
  /** 0..1 while uploading. */
  progress: number;
  error: string | null;
  itemId: number | null;
}

export type UploadAction =
  | { type: 'add'; entries: { key: string; file: File; error?: string }[] }
  | { type: 'start'; key: string }
  | { type: 'progress'; key: string; fraction: number }
  | { type: 'done'; key: string; itemId: number; duplicate: boolean }
  | { type: 'failed'; key: string; error: string }
  | { type: 'retry'; key: string }
  | { type: 'clearFinished' };

const FINISHED: readonly UploadStatus[] = ['done', 'duplicate'];

function update(entries: UploadEntry[], key: string, change: Partial<UploadEntry>): UploadEntry[] {
  return entries.map((e) => (e.key === key ? { ...e, ...change } : e));
}

export function uploadReducer(entries: UploadEntry[], action: UploadAction): UploadEntry[] {
  switch (action.type) {
    case 'add':
      return [
        ...entries,
        ...action.entries.map((e) => ({
          key: e.key,
          file: e.file,
          status: e.error ? ('failed' as const) : ('queued' as const),
          progress: 0,
          error: e.error ?? null,
          itemId: null,
        })),
      ];
    case 'start':
      return update(entries, action.key, { status: 'uploading', progress: 0, error: null });
    case 'progress':
      return update(entries, action.key, { progress: action.fraction });
    case 'done':
      return update(entries, action.key, {
        status: action.duplicate ? 'duplicate' : 'done',
        progress: 1,
        itemId: action.itemId,
      });
    case 'failed':
      return update(entries, action.key, { status: 'failed', error: action.error });
    case 'retry':
      return update(entries, action.key, { status: 'queued', progress: 0, error: null });
    case 'clearFinished':
      return entries.filter((e) => !FINISHED.includes(e.status));
  }
}

/** Which queued entries to start now, keeping at most `limit` uploads running. */
export function nextToStart(entries: readonly UploadEntry[], limit: number): UploadEntry[] {
  const running = entries.filter((e) => e.status === 'uploading').length;
  return entries.filter((e) => e.status === 'queued').slice(0, Math.max(0, limit - running));
}

export interface UploadSummary {
  total: number;
  done: number;
  duplicates: number;
  failed: number;
  active: number;
}

export function summarize(entries: readonly UploadEntry[]): UploadSummary {
  const count = (status: UploadStatus) => entries.filter((e) => e.status === status).length;
  return {
    total: entries.length,
    done: count('done'),
    duplicates: count('duplicate'),
    failed: count('failed'),
    active: count('queued') + count('uploading'),
  };
}

/** Refuse what cannot be an image before sending it; the server checks the rest. */
export function precheck(file: File): string | null {
  if (/\.(zip|csv)$/i.test(file.name)) return 'archives and CSV files go through Import & export';
  if (file.type && !file.type.startsWith('image/')) return `not an image (${file.type})`;
  if (file.size === 0) return 'the file is empty';
  return null;
}
