import { describe, expect, it, vi } from 'vitest';
import { createSerialSaver, type SaveState } from './serialSaver';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('serial saver', () => {
  it('sends one at a time and only the latest of the changes made meanwhile', async () => {
    const calls: { value: number; done: ReturnType<typeof deferred> }[] = [];
    const send = vi.fn((value: number) => {
      const done = deferred();
      calls.push({ value, done });
      return done.promise;
    });
    const states: SaveState['state'][] = [];
    const saver = createSerialSaver<number>(0, send, (s) => states.push(s.state));
    saver.save(1);
    saver.save(2);
    saver.save(3);
    expect(calls.map((c) => c.value)).toEqual([1]);
    expect(saver.busy()).toBe(true);
    calls[0]?.done.resolve();
    await flush();
    expect(calls.map((c) => c.value)).toEqual([1, 3]);
    calls[1]?.done.resolve();
    await flush();
    expect(saver.busy()).toBe(false);
    expect(states.at(-1)).toBe('saved');
  });

  it('does not send what is already saved', async () => {
    const send = vi.fn(async () => {});
    const saver = createSerialSaver({ a: 1 }, send, () => {}, (x, y) => JSON.stringify(x) === JSON.stringify(y));
    saver.save({ a: 1 });
    await flush();
    expect(send).not.toHaveBeenCalled();
  });

  it('reports a failure and sends the value again on retry', async () => {
    const send = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValue(undefined);
    let state: SaveState = { state: 'saved' };
    const saver = createSerialSaver<number>(0, send, (s) => (state = s));
    saver.save(5);
    await flush();
    expect(state).toEqual({ state: 'failed', error: new Error('offline') });
    saver.retry();
    await flush();
    expect(send).toHaveBeenLastCalledWith(5);
    expect(state).toEqual({ state: 'saved' });
  });
});
