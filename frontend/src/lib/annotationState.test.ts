import { describe, expect, it } from 'vitest';
import type { Item } from './api';
import {
  addBox,
  addKeyword,
  addLabel,
  fromItem,
  removeBox,
  removeKeyword,
  sameAnnotations,
  setIdentity,
  setSplit,
  toPut,
  toggleLabel,
  updateBox,
  type Annotations,
} from './annotationState';

const empty: Annotations = { labels: [], keywords: [], identity: null, split: null, boxes: [] };
const box = { label: 'car', x: 1, y: 2, w: 3, h: 4 };

describe('annotation changes', () => {
  it('reads an item and writes the PUT body, dropping box ids', () => {
    const item = { labels: ['a'], keywords: ['k'], identity: null, split: 'train', boxes: [{ id: 9, ...box }] } as unknown as Item;
    const a = fromItem(item);
    expect(a.boxes).toEqual([box]);
    expect(toPut(a)).toEqual({ labels: ['a'], keywords: ['k'], identity: null, split: 'train', boxes: [box] });
  });

  it('toggles labels and adds keywords once, trimmed', () => {
    const a = toggleLabel(empty, 'cat');
    expect(a.labels).toEqual(['cat']);
    expect(toggleLabel(a, 'cat').labels).toEqual([]);
    const k = addKeyword(addKeyword(empty, ' sunset '), 'sunset');
    expect(k.keywords).toEqual(['sunset']);
    expect(addKeyword(k, '   ')).toBe(k);
    expect(removeKeyword(k, 'sunset').keywords).toEqual([]);
    // Accepting a suggested label adds it, and never takes it away again.
    const l = addLabel(empty, ' heron ');
    expect(l.labels).toEqual(['heron']);
    expect(addLabel(l, 'heron')).toBe(l);
  });

  it('returns the same value when nothing changes, so no undo step is recorded', () => {
    expect(setSplit(empty, null)).toBe(empty);
    expect(setIdentity(empty, '  ')).toBe(empty);
    const withBox = addBox(empty, box);
    expect(updateBox(withBox, 0, { x: 1 })).toBe(withBox);
    expect(updateBox(withBox, 5, { x: 9 })).toBe(withBox);
    expect(removeBox(withBox, 3)).toBe(withBox);
  });

  it('edits boxes by index', () => {
    let a = addBox(addBox(empty, box), { ...box, label: 'bus' });
    a = updateBox(a, 1, { label: 'tram', w: 10 });
    expect(a.boxes[1]).toEqual({ label: 'tram', x: 1, y: 2, w: 10, h: 4 });
    a = removeBox(a, 0);
    expect(a.boxes.map((b) => b.label)).toEqual(['tram']);
    expect(setIdentity(a, ' rex ').identity).toBe('rex');
    expect(sameAnnotations(a, { ...a })).toBe(true);
  });
});
