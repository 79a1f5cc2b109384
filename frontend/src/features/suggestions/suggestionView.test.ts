import { describe, expect, it } from 'vitest';
import { apiErrorFrom } from '../../lib/errors';
import type { Annotations } from '../../lib/annotationState';
import {
  BATCH_LIMIT,
  applySuggestions,
  batchRequest,
  cropRequest,
  cropSummary,
  batchSummary,
  deployedByKind,
  formatSuggestionScore,
  ghostsFromDetections,
  ghostsFromSuggestions,
  groupByKind,
  isApplied,
  isNoModelDeployed,
  modelWords,
  nextItemWithSuggestions,
  noModelSentence,
  type DetectResponse,
  type Suggestion,
} from './suggestionView';

const image = { width: 100, height: 80 };
const empty: Annotations = { labels: [], keywords: [], identity: null, split: null, boxes: [] };
let nextId = 1;
function suggestion(change: Partial<Suggestion>): Suggestion {
  return {
    id: nextId++,
    item_id: 5,
    kind: 'label',
    value: 'heron',
    score: 0.9,
    x: null,
    y: null,
    w: null,
    h: null,
    model_version_id: 3,
    status: 'pending',
    created_at: '2025-01-01T00:00:00Z',
    decided_at: null,
    ...change,
  };
}

describe('accepting suggestions in the editor', () => {
  it('adds labels and keywords once, and boxes in whole pixels inside the image', () => {
    const accepted = [
      suggestion({ value: 'heron' }),
      suggestion({ kind: 'keyword', value: ' river ' }),
      suggestion({ kind: 'box', value: 'bird', x: 10.4, y: 70.2, w: 30.6, h: 20 }),
      suggestion({ value: 'heron' }),
    ];
    const a = applySuggestions({ ...empty, keywords: ['river'] }, accepted, image);
    expect(a.labels).toEqual(['heron']);
    expect(a.keywords).toEqual(['river']);
    // Cut at the bottom edge: y 70 + h 10 = 80.
    expect(a.boxes).toEqual([{ label: 'bird', x: 10, y: 70, w: 31, h: 10 }]);
  });

  it('does not add a box the item has already, and changes nothing for nothing', () => {
    const box = suggestion({ kind: 'box', value: 'bird', x: 1, y: 2, w: 3, h: 4 });
    const once = applySuggestions(empty, [box], image);
    expect(applySuggestions(once, [box], image)).toBe(once);
    expect(isApplied(once, box, image)).toBe(true);
    expect(isApplied(once, { ...box, value: 'cat' }, image)).toBe(false);
    expect(applySuggestions(empty, [], image)).toBe(empty);
  });
});

describe('showing suggestions', () => {
  it('groups them by kind, best first', () => {
    const groups = groupByKind([
      suggestion({ score: 0.2 }),
      suggestion({ kind: 'keyword', value: 'mud', score: 0.5 }),
      suggestion({ score: 0.7, value: 'egret' }),
    ]);
    expect(groups.label.map((s) => s.value)).toEqual(['egret', 'heron']);
    expect(groups.keyword).toHaveLength(1);
    expect(groups.box).toEqual([]);
  });

  it('draws pending box suggestions and detections not added yet as ghosts', () => {
    const pending = suggestion({ kind: 'box', value: 'bird', x: 5, y: 5, w: 10, h: 10 });
    const decided = suggestion({ kind: 'box', value: 'bird', x: 50, y: 5, w: 10, h: 10, status: 'rejected' });
    const label = suggestion({});
    expect(ghostsFromSuggestions([pending, decided, label], empty, image)).toEqual([
      { key: `s${pending.id}`, label: 'bird', score: 0.9, x: 5, y: 5, w: 10, h: 10 },
    ]);
    const withIt = applySuggestions(empty, [pending], image);
    expect(ghostsFromSuggestions([pending], withIt, image)).toEqual([]);

    const answer = {
      model: { model_id: 1, version: 1, kind: 'detector' },
      item_id: 5,
      width: 100,
      height: 80,
      boxes: [
        { label: 'bird', score: 0.8, x: 5, y: 5, w: 10, h: 10 },
        { label: 'fish', score: 0.6, x: 20, y: 30, w: 5, h: 5 },
      ],
    } satisfies DetectResponse;
    expect(ghostsFromDetections(answer, withIt, image).map((g) => g.label)).toEqual(['fish']);
    expect(ghostsFromDetections(null, empty, image)).toEqual([]);
  });

  it('formats scores and names the model that made them', () => {
    expect(formatSuggestionScore('label', 0.873)).toBe('87%');
    expect(formatSuggestionScore('box', 1)).toBe('100%');
    expect(formatSuggestionScore('keyword', 0.8123)).toBe('0.81');
    expect(formatSuggestionScore('label', Number.NaN)).toBe('—');
    const models = [{ id: 3, version: 2, kind: 'classifier' }];
    expect(modelWords(3, models)).toBe('v2 classifier');
    expect(modelWords(9, models)).toBe('model 9');
    expect(modelWords(null, models)).toBe('a deleted model');
  });

  it('knows which kinds are deployed and where to review next', () => {
    const deployed = deployedByKind([
      { id: 1, kind: 'embedding', deployed: true },
      { id: 2, kind: 'classifier', deployed: false },
      { id: 3, kind: 'classifier', deployed: true },
      { id: 4, kind: 'detector', deployed: true },
    ]);
    expect(deployed.classifier?.id).toBe(3);
    expect(deployed.detector?.id).toBe(4);
    expect(deployed.keywords).toBeUndefined();
    expect(nextItemWithSuggestions([{ item_id: 5 }, { item_id: 5 }, { item_id: 8 }], 5)).toBe(8);
    expect(nextItemWithSuggestions([{ item_id: 5 }], 5)).toBeNull();
    expect(nextItemWithSuggestions([{ item_id: 5 }], null)).toBe(5);
  });

  it('tells "no model deployed" (409) from other failures', () => {
    expect(isNoModelDeployed(apiErrorFrom(409, { error: { code: 'conflict', message: 'project 1 has no deployed classifier' } }))).toBe(true);
    expect(isNoModelDeployed(apiErrorFrom(500, null))).toBe(false);
    expect(isNoModelDeployed(new Error('409'))).toBe(false);
    expect(noModelSentence('keywords')).toBe('No keywords model is deployed in this project yet.');
  });
});

describe('batch predictions', () => {
  it('builds the request from the form, checking its numbers', () => {
    expect(batchRequest('classifier', { label: 'x' }, '0.25', '2')).toEqual({
      body: { kind: 'classifier', filters: { label: 'x' }, min_score: 0.25, top_k: 2, limit: BATCH_LIMIT },
    });
    // Classes per item only matter to a classifier.
    expect(batchRequest('detector', {}, '0', 'junk').body).toMatchObject({ kind: 'detector', min_score: 0, top_k: 1 });
    expect(batchRequest('keywords', {}, '1.5', '1').error).toMatch(/from 0 to 1/);
    expect(batchRequest('keywords', {}, ' ', '1').error).toMatch(/from 0 to 1/);
    expect(batchRequest('classifier', {}, '0.5', '0').error).toMatch(/1 to 20/);
    expect(batchRequest('classifier', {}, '0.5', '1', [4, 9]).body).toMatchObject({ item_ids: [4, 9] });
    expect(batchRequest('classifier', {}, '0.5', '1', []).body).not.toHaveProperty('item_ids');
  });

  it('reads what a finished job left', () => {
    expect(batchSummary({ items: 12, suggestions: 30, model_id: 4 })).toEqual({ items: 12, suggestions: 30 });
    expect(batchSummary({ items: 'many' })).toEqual({ items: 0, suggestions: 0 });
    expect(batchSummary(null)).toBeNull();
  });
});

describe('cropRequest', () => {
  it('checks the score and sends a selection when there is one', () => {
    expect(cropRequest({}, '0.4', [3]).body).toMatchObject({ score_threshold: 0.4, item_ids: [3] });
    expect(cropRequest({}, '2').error).toMatch(/from 0 to 1/);
    expect(cropSummary({ items: 2, crops: 5 })).toEqual({ items: 2, crops: 5 });
    expect(cropSummary({ items: 2, suggestions: 5 })).toBeNull();
  });
});
