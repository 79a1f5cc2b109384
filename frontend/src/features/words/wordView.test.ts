// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import {
  TRAIN_DEFAULTS,
  importForm,
  isBuildingWordModel,
  keywordToWordPrefix,
  mergeKeywordOptions,
  skippedWords,
  trainForm,
  wordModelFacts,
  wordModelFraction,
  wordModelStatus,
  wordToKeyword,
} from './wordView';

describe('word models in words', () => {
  it('says what state a model is in', () => {
    const running = { status: 'running', active: false, error: null, progress: { fraction: 0.3, message: 'epoch 3/10' } };
    expect(isBuildingWordModel(running)).toBe(true);
    expect(wordModelStatus(running)).toBe('running: epoch 3/10');
    expect(wordModelFraction(running)).toBe(0.3);
    expect(wordModelStatus({ status: 'queued', active: false, error: null, progress: null })).toBe('queued');
    expect(wordModelFraction({ status: 'queued', progress: null })).toBeNull();
    expect(wordModelStatus({ status: 'ready', active: true, error: null, progress: null })).toBe('ready, active');
    expect(wordModelFraction({ status: 'ready', progress: null })).toBe(1);
    expect(wordModelStatus({ status: 'failed', active: false, error: 'no text', progress: null })).toBe('failed: no text');
  });

  it('sums up what it holds', () => {
    expect(wordModelFacts({ source: 'trained', dimension: 64, stats: { words: 1204, sentences: 3100, tokens: 9 } })).toBe(
      `trained · 64 dimensions · ${(1204).toLocaleString()} words · ${(3100).toLocaleString()} sentences`,
    );
    expect(wordModelFacts({ source: 'imported', dimension: null, stats: { format: 'glove' } })).toBe('imported (glove)');
    expect(skippedWords({ stats: { skipped: { too_rare: 12, zero_vector: 0 } } })).toBe('12 too rare');
    expect(skippedWords({ stats: {} })).toBe('');
  });
});

describe('the forms', () => {
  it('trains with the chosen settings and an optional corpus', () => {
    const corpus = new File(['a b c\n'], 'notes.txt', { type: 'text/plain' });
    const { form, errors } = trainForm({ ...TRAIN_DEFAULTS, name: ' notes ', minCount: '1', skipGram: false }, corpus);
    expect(errors).toEqual({});
    expect(form?.get('name')).toBe('notes');
    expect(form?.get('vector_size')).toBe('64');
    expect(form?.get('min_count')).toBe('1');
    expect(form?.get('sg')).toBe('false');
    expect(form?.get('include_items')).toBe('true');
    expect((form?.get('corpus') as File).name).toBe('notes.txt');
  });

  it('names what is wrong before sending', () => {
    const { form, errors } = trainForm({ ...TRAIN_DEFAULTS, vectorSize: '1', epochs: '2.5', includeItems: false }, null);
    expect(form).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(['corpus', 'epochs', 'vectorSize']);
    expect(errors.vectorSize).toBe('Dimensions: a whole number from 2 to 1000.');
  });

  it('imports a file with an optional format, name and limit', () => {
    const file = new File(['2 2\na 1 0\nb 0 1\n'], 'vectors.txt');
    const { form } = importForm(file, 'word2vec-text', '', '100', false);
    expect(form?.get('format')).toBe('word2vec-text');
    expect(form?.get('limit')).toBe('100');
    expect(form?.get('activate')).toBe('false');
    expect(form?.has('name')).toBe(false);
    expect(importForm(file, '', 'x', '', true).form?.has('format')).toBe(false);
    expect(importForm(file, '', '', '0', true).error).toMatch(/at least 1/);
  });
});

describe('keyword suggestions from the word model', () => {
  it('turns words into keywords and typed keywords into word prefixes', () => {
    expect(wordToKeyword('fatigue_crack')).toBe('fatigue crack');
    expect(wordToKeyword('rust')).toBe('rust');
    expect(keywordToWordPrefix(' fatigue  c')).toBe('fatigue_c');
  });

  it('offers the project’s keywords first, then new words, never twice or what the item has', () => {
    const options = mergeKeywordOptions(
      [
        { keyword: 'rust', count: 4 },
        { keyword: 'river', count: 2 },
      ],
      [{ word: 'rust' }, { word: 'Rusty' }, { word: 'rust_stain' }, { word: 'River' }, { word: 'rusty' }],
      ['river'],
    );
    expect(options).toEqual([
      { value: 'rust', hint: '4' },
      { value: 'Rusty', hint: 'word model' },
      { value: 'rust stain', hint: 'word model' },
    ]);
    expect(mergeKeywordOptions([{ keyword: 'a', count: 1 }], [{ word: 'b' }, { word: 'c' }], [], 2)).toHaveLength(2);
  });
});
