import { describe, expect, it } from 'vitest';
import { blocksStart, countsSummary, preflightBody, type Preflight, type PreflightCounts } from './preflight';

const counts: PreflightCounts = {
  selected_items: 26,
  items: 24,
  train_items: 19,
  val_items: 5,
  classes: 2,
  skipped_multi_label: 0,
  min_classes: 2,
  min_val_items: 1,
  boxes: null,
  labelled_items: null,
  identities: null,
  pairs: null,
  keywords_with_vectors: null,
};

describe('the pre-flight check', () => {
  const dataset = { filters: {}, train_splits: ['train' as const], val_splits: ['val' as const], val_fraction: 0.2 };

  it('checks a body only when the form can say what it is', () => {
    expect(preflightBody('embedding', { epochs: 2 }, dataset)).toEqual({ kind: 'embedding', params: { epochs: 2 }, dataset });
    expect(preflightBody(undefined, {}, dataset)).toBeNull();
    expect(preflightBody('embedding', {}, { ...dataset, val_fraction: 0.9 })).toBeNull();
    expect(preflightBody('embedding', {}, { ...dataset, val_fraction: Number.NaN })).toBeNull();
    expect(preflightBody('embedding', {}, { ...dataset, train_splits: [] })).toBeNull();
  });

  it('says the counts in one line, with what matters for the kind', () => {
    expect(countsSummary(counts)).toBe('24 items of 26 selected can train: 19 training items, 5 validation items, 2 classes.');
    expect(countsSummary({ ...counts, items: 1, train_items: 1, val_items: 0, classes: 1, boxes: 3, skipped_multi_label: 2 })).toBe(
      '1 item of 26 selected can train: 1 training item, 0 validation items, 1 class, 3 boxes; 2 items with several values left out.',
    );
    expect(countsSummary({ ...counts, labelled_items: 20, identities: 1, pairs: 4 })).toContain('20 labelled items, 1 identity, 4 positive pairs');
    expect(countsSummary({ ...counts, keywords_with_vectors: 0 })).toContain('0 keywords with word vectors');
  });

  it('blocks starting only on a check that found problems', () => {
    const check: Preflight = { ok: false, kind: 'detector', counts, problems: [{ code: 'no_items', message: 'no boxes', field: 'dataset' }] };
    expect(blocksStart(check)).toBe(true);
    expect(blocksStart({ ...check, ok: true, problems: [] })).toBe(false);
    expect(blocksStart(undefined)).toBe(false);
  });
});
