import { describe, expect, it } from 'vitest';
import { NO_SELECTION, selectIds, selectRange, toggleItem, withoutIds } from './selection';

const ids = [10, 11, 12, 13, 14];
const idAt = (i: number) => ids[i];

describe('grid selection', () => {
  it('toggles one item and remembers it as the anchor', () => {
    const one = toggleItem(NO_SELECTION, 12, 2);
    expect([...one.ids]).toEqual([12]);
    expect(one.anchor).toBe(2);
    expect(toggleItem(one, 12, 2).ids.size).toBe(0);
  });

  it('adds the range from the anchor, in either direction', () => {
    const start = toggleItem(NO_SELECTION, 13, 3);
    expect([...selectRange(start, 1, idAt).ids].sort()).toEqual([11, 12, 13]);
    const down = toggleItem(NO_SELECTION, 10, 0);
    expect([...selectRange(down, 2, idAt).ids].sort()).toEqual([10, 11, 12]);
  });

  it('without an anchor, a shift-click selects just that item', () => {
    expect([...selectRange(NO_SELECTION, 4, idAt).ids]).toEqual([14]);
  });

  it('skips items that are not loaded', () => {
    const start = toggleItem(NO_SELECTION, 10, 0);
    expect([...selectRange(start, 3, (i) => (i === 1 ? undefined : ids[i])).ids].sort()).toEqual([10, 12, 13]);
  });

  it('selects all given ids and forgets deleted ones', () => {
    const all = selectIds(ids);
    expect(all.ids.size).toBe(5);
    expect([...withoutIds(all, [10, 14]).ids]).toEqual([11, 12, 13]);
  });
});
