import { describe, expect, it } from 'vitest';
import { MAX_STEPS, commit, historyReducer, redo, startHistory, undo } from './history';

describe('undo history', () => {
  it('undoes and redoes steps in order', () => {
    let h = startHistory('a');
    h = commit(h, 'b');
    h = commit(h, 'c');
    h = undo(h);
    expect(h.present).toBe('b');
    h = undo(h);
    expect(h.present).toBe('a');
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toBe('b');
    h = commit(h, 'x');
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
  });

  it('ignores a commit of the present value and caps the steps kept', () => {
    const h = startHistory(0);
    expect(commit(h, 0)).toBe(h);
    let long = h;
    for (let i = 1; i <= MAX_STEPS + 10; i += 1) long = commit(long, i);
    expect(long.past).toHaveLength(MAX_STEPS);
  });

  it('works as a reducer', () => {
    const h = historyReducer(historyReducer(startHistory(1), { type: 'commit', next: 2 }), { type: 'undo' });
    expect(h.present).toBe(1);
    expect(historyReducer(h, { type: 'redo' }).present).toBe(2);
  });
});
