// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { EMPTY_FILTERS } from './itemFilters';
import {
  DEFAULT_K,
  buildImageSearchForm,
  buildSearchBody,
  buildWordsBody,
  formatScore,
  parseWords,
  searchFromParams,
  searchToParams,
  similarHref,
  viaWords,
  type SearchSettings,
} from './searchRequest';

const base: SearchSettings = {
  mode: 'item',
  itemId: 7,
  text: '',
  k: DEFAULT_K,
  spaceId: null,
  excludeSelf: false,
  combine: 'mean',
  filters: EMPTY_FILTERS,
};

describe('search settings in the URL', () => {
  it('round-trips a search with filters, k and a space', () => {
    const settings: SearchSettings = {
      ...base,
      k: 50,
      spaceId: 3,
      excludeSelf: true,
      filters: { ...EMPTY_FILTERS, label: 'cat', measurements: [{ key: 't', min: 1, max: null }] },
    };
    const params = searchToParams(settings);
    expect(params.get('item')).toBe('7');
    expect(params.get('label')).toBe('cat');
    expect(searchFromParams(params)).toEqual(settings);
  });

  it('reads a text search and ignores nonsense', () => {
    expect(searchFromParams(new URLSearchParams('q=red+boat'))).toMatchObject({ mode: 'text', text: 'red boat', itemId: null });
    expect(searchFromParams(new URLSearchParams('item=-3&k=abc&space=0&mode=bogus'))).toMatchObject({
      mode: 'item',
      itemId: null,
      k: DEFAULT_K,
      spaceId: null,
    });
    expect(searchFromParams(new URLSearchParams('k=999999')).k).toBe(1000);
  });

  it('links "find similar" with the dataset filters', () => {
    expect(similarHref(2, 9, { ...EMPTY_FILTERS, split: 'train' })).toBe('/projects/2/search?split=train&mode=item&item=9');
  });
});

describe('the search request', () => {
  it('asks for the items nearest to an item, among the filtered ones', () => {
    expect(buildSearchBody({ ...base, spaceId: 4, filters: { ...EMPTY_FILTERS, keyword: 'river' } })).toEqual({
      item_id: 7,
      k: DEFAULT_K,
      space_id: 4,
      exclude_self: false,
      exact: false,
      filters: { keyword: 'river' },
    });
  });

  it('asks by text, and waits for a query', () => {
    expect(buildSearchBody({ ...base, mode: 'text', text: '  a heron ' })).toEqual({
      text: 'a heron',
      k: DEFAULT_K,
      filters: {},
      exclude_self: false,
      exact: false,
    });
    expect(buildSearchBody({ ...base, mode: 'text', text: ' ' })).toBeNull();
    expect(buildSearchBody({ ...base, itemId: null })).toBeNull();
    expect(buildSearchBody({ ...base, mode: 'image' })).toBeNull();
  });

  it('sends an image with the options as form fields', () => {
    const form = buildImageSearchForm(new Blob(['png']), 'query.png', {
      ...base,
      mode: 'image',
      k: 5,
      spaceId: 2,
      filters: { ...EMPTY_FILTERS, label: 'cat' },
    });
    expect((form.get('file') as File).name).toBe('query.png');
    expect(form.get('k')).toBe('5');
    expect(form.get('space_id')).toBe('2');
    expect(JSON.parse(String(form.get('filters')))).toEqual({ label: 'cat' });
    expect(buildImageSearchForm(new Blob([]), 'x.png', base).has('filters')).toBe(false);
  });

  it('formats scores', () => {
    expect(formatScore(0.87654)).toBe('0.877');
    expect(formatScore(-12.3456)).toBe('-12.35');
    expect(formatScore(Number.NaN)).toBe('—');
  });
});

describe('searching by words', () => {
  it('reads words and phrases separated by commas, each once, trimmed', () => {
    expect(parseWords(' rust,  fatigue   crack ;rust\n\n, ')).toEqual(['rust', 'fatigue crack']);
    expect(parseWords('')).toEqual([]);
    expect(parseWords(Array.from({ length: 30 }, (_, i) => `w${i}`).join(','))).toHaveLength(20);
  });

  it('asks POST /search/words with k, filters and how to combine, and waits for a word', () => {
    const words: SearchSettings = { ...base, mode: 'words', text: 'rust, crack', k: 12, combine: 'best', filters: { ...EMPTY_FILTERS, split: 'val' } };
    expect(buildWordsBody(words)).toEqual({ words: ['rust', 'crack'], k: 12, combine: 'best', filters: { split: 'val' } });
    expect(buildWordsBody({ ...words, text: ' , ' })).toBeNull();
    expect(buildWordsBody({ ...words, mode: 'text' })).toBeNull();
    expect(buildSearchBody(words)).toBeNull();
  });

  it('keeps the words mode and its combine setting in the URL', () => {
    const words: SearchSettings = { ...base, itemId: null, mode: 'words', text: 'rust', combine: 'best' };
    const params = searchToParams(words);
    expect(params.get('mode')).toBe('words');
    expect(params.get('combine')).toBe('best');
    expect(searchFromParams(params)).toEqual(words);
    expect(searchToParams({ ...words, combine: 'mean' }).has('combine')).toBe(false);
  });

  it('says which path answered', () => {
    expect(viaWords({ via: 'word-neighbours', model_version_id: null })).toBe('via the keywords nearest to the words');
    expect(viaWords({ via: 'keyword-model', model_version_id: 4 })).toContain('keywords model');
  });
});
