// The job API keeps progress and result as free-form objects; read the known fields safely.
import type { Job } from './api';

export const FINISHED_STATUSES = ['succeeded', 'failed', 'stopped', 'canceled'];

export function isFinished(job: Pick<Job, 'status'>): boolean {
  return FINISHED_STATUSES.includes(job.status);
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export interface JobProgress {
  fraction: number | null;
  done: number | null;
  total: number | null;
  message: string;
  etaSeconds: number | null;
}

export function jobProgress(job: Pick<Job, 'progress' | 'status'>): JobProgress {
  const p = job.progress;
  return {
    fraction: job.status === 'succeeded' ? 1 : num(p.fraction),
    done: num(p.done),
    total: num(p.total),
    message: typeof p.message === 'string' ? p.message : '',
    etaSeconds: num(p.eta_s),
  };
}

export interface ImportSummary {
  format: string;
  records: number;
  created: number;
  duplicates: number;
  updated: number;
  skipped: number;
  /** Positive pairs added from the file's `positives`. */
  pairs: number;
  errors: { filename: string; error: string }[];
}

export function importSummary(result: Job['result']): ImportSummary | null {
  if (!result) return null;
  const errors = Array.isArray(result.errors) ? result.errors : [];
  return {
    format: typeof result.format === 'string' ? result.format : '',
    records: num(result.records) ?? 0,
    created: num(result.created) ?? 0,
    duplicates: num(result.duplicates) ?? 0,
    updated: num(result.updated) ?? 0,
    skipped: num(result.skipped) ?? 0,
    pairs: num(result.pairs) ?? 0,
    errors: errors.flatMap((e: unknown) =>
      typeof e === 'object' && e !== null && 'filename' in e && 'error' in e
        ? [{ filename: String(e.filename), error: String(e.error) }]
        : [],
    ),
  };
}

export function formatEta(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s left`;
  return `about ${Math.round(seconds / 60)} min left`;
}
