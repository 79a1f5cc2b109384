import { describe, expect, it } from 'vitest';
import { locate, windowFor } from './neighbours';

describe('neighbours', () => {
  it('asks for a window around the index', () => {
    expect(windowFor(0)).toEqual({ offset: 0, limit: 5 });
    expect(windowFor(10)).toEqual({ offset: 8, limit: 5 });
  });

  it('finds the item and the ones before and after it', () => {
    expect(locate([7, 8, 9, 10, 11], 8, 9, 10)).toEqual({ index: 10, prev: { id: 8, index: 9 }, next: { id: 10, index: 11 } });
  });

  it('has no previous item at the start and no next one at the end', () => {
    expect(locate([1, 2, 3], 0, 1, 0)).toEqual({ index: 0, prev: null, next: { id: 2, index: 1 } });
    expect(locate([4, 5], 3, 5, 4)).toEqual({ index: 4, prev: { id: 4, index: 3 }, next: null });
  });

  it('finds the item where it is now, even if it moved', () => {
    expect(locate([7, 8, 9, 10, 11], 8, 8, 10).index).toBe(9);
  });

  it('when the item left the list, the next one has moved up into its place', () => {
    // Item 9 was at index 10; an edit took it out of the filter.
    expect(locate([7, 8, 10, 11, 12], 8, 9, 10)).toEqual({ index: null, prev: { id: 8, index: 9 }, next: { id: 10, index: 10 } });
  });
});
