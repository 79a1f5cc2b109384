import { describe, expect, it } from 'vitest';
import { pagesFor } from './pagedItems';

describe('pagesFor', () => {
  it('lists the pages covering a range of grid indices', () => {
    expect(pagesFor(0, 0, 100)).toEqual([0]);
    expect(pagesFor(95, 205, 100)).toEqual([0, 1, 2]);
    expect(pagesFor(4200, 4230, 100)).toEqual([42]);
  });

  it('is empty for an empty range', () => {
    expect(pagesFor(0, -1, 100)).toEqual([]);
  });
});
