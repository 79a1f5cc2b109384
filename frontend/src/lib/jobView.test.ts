import { describe, expect, it } from 'vitest';
import type { Job } from './api';
import { formatEta, importSummary, isFinished, jobProgress } from './jobView';

const job = (status: string, progress: Job['progress'], result: Job['result'] = null) => ({ status, progress, result }) as Job;

describe('job view', () => {
  it('reads progress defensively', () => {
    expect(jobProgress(job('running', { done: 5, total: 10, fraction: 0.5, eta_s: 12, message: 'imported 5 of 10' }))).toEqual({
      fraction: 0.5,
      done: 5,
      total: 10,
      message: 'imported 5 of 10',
      etaSeconds: 12,
    });
    expect(jobProgress(job('queued', {}))).toEqual({ fraction: null, done: null, total: null, message: '', etaSeconds: null });
    expect(jobProgress(job('succeeded', { fraction: 'x' })).fraction).toBe(1);
  });

  it('summarises an import result', () => {
    const summary = importSummary({ format: 'csv', records: 3, created: 0, updated: 2, skipped: 1, pairs: 4, errors: [{ filename: 'a.png', error: 'no such item' }, 'junk'] });
    expect(summary).toMatchObject({ format: 'csv', records: 3, updated: 2, skipped: 1, duplicates: 0, pairs: 4 });
    expect(summary?.errors).toEqual([{ filename: 'a.png', error: 'no such item' }]);
    expect(importSummary(null)).toBeNull();
  });

  it('knows when a job is over and how long is left', () => {
    expect(isFinished({ status: 'failed' })).toBe(true);
    expect(isFinished({ status: 'running' })).toBe(false);
    expect(formatEta(42.4)).toBe('about 42 s left');
    expect(formatEta(600)).toBe('about 10 min left');
    expect(formatEta(null)).toBe('');
  });
});
