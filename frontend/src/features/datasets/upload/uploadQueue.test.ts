import { describe, expect, it } from 'vitest';
import { nextToStart, precheck, summarize, uploadReducer, type UploadEntry } from './uploadQueue';

const file = (name: string, type = 'image/png', size = 10) => new File([new Uint8Array(size)], name, { type });

function queue(...names: string[]): UploadEntry[] {
  return uploadReducer([], { type: 'add', entries: names.map((n) => ({ key: n, file: file(n) })) });
}

describe('the upload queue', () => {
  it('follows each file from queued to done, duplicate or failed', () => {
    let entries = queue('a.png', 'b.png', 'c.png');
    entries = uploadReducer(entries, { type: 'start', key: 'a.png' });
    entries = uploadReducer(entries, { type: 'progress', key: 'a.png', fraction: 0.5 });
    expect(entries[0]).toMatchObject({ status: 'uploading', progress: 0.5 });
    entries = uploadReducer(entries, { type: 'done', key: 'a.png', itemId: 7, duplicate: false });
    entries = uploadReducer(entries, { type: 'done', key: 'b.png', itemId: 8, duplicate: true });
    entries = uploadReducer(entries, { type: 'failed', key: 'c.png', error: 'not an image' });
    expect(entries.map((e) => e.status)).toEqual(['done', 'duplicate', 'failed']);
    expect(summarize(entries)).toEqual({ total: 3, done: 1, duplicates: 1, failed: 1, active: 0 });
    entries = uploadReducer(entries, { type: 'clearFinished' });
    expect(entries.map((e) => e.key)).toEqual(['c.png']);
    entries = uploadReducer(entries, { type: 'retry', key: 'c.png' });
    expect(entries[0]).toMatchObject({ status: 'queued', error: null });
  });

  it('starts no more than the limit at once', () => {
    let entries = queue('a', 'b', 'c', 'd');
    expect(nextToStart(entries, 3).map((e) => e.key)).toEqual(['a', 'b', 'c']);
    entries = uploadReducer(entries, { type: 'start', key: 'a' });
    entries = uploadReducer(entries, { type: 'start', key: 'b' });
    expect(nextToStart(entries, 3).map((e) => e.key)).toEqual(['c']);
  });

  it('marks files refused before sending as failed', () => {
    const entries = uploadReducer([], { type: 'add', entries: [{ key: 'z', file: file('a.zip'), error: 'no' }] });
    expect(entries[0]).toMatchObject({ status: 'failed', error: 'no' });
    expect(nextToStart(entries, 3)).toEqual([]);
  });

  it('refuses archives, non-images and empty files before sending', () => {
    expect(precheck(file('set.zip', 'application/zip'))).toMatch(/Import & export/);
    expect(precheck(file('notes.txt', 'text/plain'))).toMatch(/not an image/);
    expect(precheck(file('empty.png', 'image/png', 0))).toMatch(/empty/);
    expect(precheck(file('ok.jpg', 'image/jpeg'))).toBeNull();
    expect(precheck(file('raw.cr2', ''))).toBeNull(); // unknown type: the server decides
  });
});
