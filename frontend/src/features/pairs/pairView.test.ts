import { describe, expect, it } from 'vitest';
import { parseItemIds, partnerOf } from './pairView';

describe('partnerOf', () => {
  it('gives the other item of a pair from either side', () => {
    const pair = { id: 1, item_a_id: 3, item_b_id: 9 };
    expect(partnerOf(pair, 3)).toBe(9);
    expect(partnerOf(pair, 9)).toBe(3);
  });
});

describe('parseItemIds', () => {
  it('reads ids separated by commas or spaces, once each', () => {
    expect(parseItemIds(' 12, 15  18;12 ')).toEqual({ ids: [12, 15, 18], error: null });
  });
  it('names what is not an id', () => {
    expect(parseItemIds('12, abc, 0')).toEqual({ ids: [], error: 'Not an item id: abc, 0' });
  });
  it('gives nothing for an empty text', () => {
    expect(parseItemIds('  ')).toEqual({ ids: [], error: null });
  });
});
