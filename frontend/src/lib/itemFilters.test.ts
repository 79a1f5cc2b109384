import { describe, expect, it } from 'vitest';
import {
  EMPTY_FILTERS,
  activeFilterCount,
  filtersFromParams,
  filtersToParams,
  parseMeasurement,
  parseMetadata,
  toItemFilter,
  toItemQuery,
  type ItemFilters,
} from './itemFilters';

const full: ItemFilters = {
  label: 'cat',
  keyword: 'black and white',
  identity: 'rex',
  split: 'val',
  annotated: false,
  text: 'river',
  metadata: [{ key: 'camera', value: 'A:1' }],
  measurements: [
    { key: 'temperature_c', min: 10, max: null },
    { key: 'lux', min: null, max: 500.5 },
  ],
  pendingSuggestions: true,
  crop: true,
  sourceItemId: 12,
};

describe('item filters', () => {
  it('round-trips through URL parameters named like the API’s', () => {
    const params = filtersToParams(full);
    expect(params.getAll('measurement')).toEqual(['temperature_c:10:', 'lux::500.5']);
    expect(params.get('metadata')).toBe('camera:A:1');
    expect(params.get('annotated')).toBe('false');
    expect(params.get('pending_suggestions')).toBe('true');
    expect(params.get('source_item_id')).toBe('12');
    expect(filtersFromParams(params)).toEqual(full);
  });

  it('leaves out conditions that are not set', () => {
    expect(toItemQuery(EMPTY_FILTERS)).toEqual({});
    expect(filtersToParams(EMPTY_FILTERS).toString()).toBe('');
    expect(activeFilterCount(EMPTY_FILTERS)).toBe(0);
    expect(activeFilterCount(full)).toBe(12);
  });

  it('ignores malformed or unknown values in the URL', () => {
    const params = new URLSearchParams('split=holdout&annotated=maybe&measurement=lux&measurement=t::&metadata=novalue&label=%20' +
        '&pending_suggestions=yes&crop=1&source_item_id=1.5');
    expect(filtersFromParams(params)).toEqual(EMPTY_FILTERS);
  });

  it('splits metadata at the first colon and measurements into three parts', () => {
    expect(parseMetadata('url:http://x')).toEqual({ key: 'url', value: 'http://x' });
    expect(parseMetadata(':x')).toBeNull();
    expect(parseMeasurement('t:-1.5:2')).toEqual({ key: 't', min: -1.5, max: 2 });
    expect(parseMeasurement('t:abc:2')).toEqual({ key: 't', min: null, max: 2 });
    expect(parseMeasurement('t:1')).toBeNull();
  });
});

describe('toItemFilter', () => {
  it('gives the JSON body form of the filters, only what is set', () => {
    expect(toItemFilter(EMPTY_FILTERS)).toEqual({});
    expect(
      toItemFilter({
        ...EMPTY_FILTERS,
        label: 'cat',
        annotated: false,
        pendingSuggestions: false,
        sourceItemId: 7,
        metadata: [{ key: 'camera', value: 'A:1' }],
        measurements: [
          { key: 't', min: 1, max: null },
          { key: 'h', min: null, max: 9.5 },
          { key: 'x', min: null, max: null },
        ],
      }),
    ).toEqual({
      label: 'cat',
      annotated: false,
      pending_suggestions: false,
      source_item_id: 7,
      metadata: { camera: 'A:1' },
      measurements: { t: { gte: 1 }, h: { lte: 9.5 } },
    });
  });
});
