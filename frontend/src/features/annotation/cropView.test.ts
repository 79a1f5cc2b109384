import { describe, expect, it } from 'vitest';
import { toItemQuery } from '../../lib/itemFilters';
import { boxPercent, cropsOf, describeSourceBox, isCrop, sourceBoxOf } from './cropView';

const box = { x: 12.4, y: 30, w: 28, h: 27.6, label: 'bolt', score: 0.934, model_id: 3 };

describe('crop view', () => {
  it('reads the detection a crop was cut from, and nothing from other items', () => {
    expect(sourceBoxOf({ source_box: box })).toEqual({ x: 12.4, y: 30, w: 28, h: 27.6, label: 'bolt', score: 0.934 });
    expect(sourceBoxOf({ source_box: null })).toBeNull();
    expect(sourceBoxOf({ source_box: undefined })).toBeNull();
    expect(sourceBoxOf({ source_box: { ...box, w: 0 } })).toBeNull();
    expect(sourceBoxOf({ source_box: { ...box, x: '3' } })).toBeNull();
    expect(sourceBoxOf({ source_box: { x: 1, y: 2, w: 3, h: 4 } })).toEqual({ x: 1, y: 2, w: 3, h: 4, label: null, score: null });
  });

  it('counts an item as a crop by its source or its box (the source may have been deleted)', () => {
    expect(isCrop({ source_item_id: 4, source_box: box })).toBe(true);
    expect(isCrop({ source_item_id: null, source_box: box })).toBe(true);
    expect(isCrop({ source_item_id: null, source_box: null })).toBe(false);
  });

  it('says what and where the box is', () => {
    const read = sourceBoxOf({ source_box: box });
    if (!read) throw new Error('no box');
    expect(describeSourceBox(read)).toBe('bolt, score 0.93, at 12, 30 (28 × 28 px)');
    expect(describeSourceBox({ x: 0, y: 1, w: 2, h: 3, label: null, score: null })).toBe('at 0, 1 (2 × 3 px)');
  });

  it('places the box over a thumbnail in percent, clamped to the image', () => {
    expect(boxPercent({ x: 24, y: 0, w: 48, h: 120, label: null, score: null }, { width: 96, height: 96 })).toEqual({
      left: '25.00%',
      top: '0.00%',
      width: '50.00%',
      height: '100.00%',
    });
  });

  it('lists the crops of an item by its id', () => {
    expect(toItemQuery(cropsOf(12))).toEqual({ source_item_id: 12 });
  });
});
