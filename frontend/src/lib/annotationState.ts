// An item's annotations as the editor changes them; every function returns a new value, so each
// change can be kept for undo and sent whole with PUT /annotations.
import type { AnnotationsPut, Item, Split } from './api';
import type { Rect } from './geometry';

export interface EditableBox extends Rect {
  label: string;
}

/** A box offered by a model, drawn dashed and not editable until it is accepted. */
export interface GhostBox extends Rect {
  key: string;
  label: string;
  score: number;
}

export interface Annotations {
  labels: string[];
  keywords: string[];
  identity: string | null;
  split: Split | null;
  boxes: EditableBox[];
}

export function fromItem(item: Item): Annotations {
  return {
    labels: [...item.labels],
    keywords: [...item.keywords],
    identity: item.identity ?? null,
    split: item.split ?? null,
    boxes: item.boxes.map(({ label, x, y, w, h }) => ({ label, x, y, w, h })),
  };
}

export function toPut(a: Annotations): AnnotationsPut {
  return { labels: a.labels, keywords: a.keywords, identity: a.identity, split: a.split, boxes: a.boxes };
}

export function sameAnnotations(a: Annotations, b: Annotations): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function toggleLabel(a: Annotations, label: string): Annotations {
  const labels = a.labels.includes(label) ? a.labels.filter((l) => l !== label) : [...a.labels, label];
  return { ...a, labels };
}

/** Give the image a label (unlike toggleLabel, never takes one away). */
export function addLabel(a: Annotations, label: string): Annotations {
  const term = label.trim();
  if (!term || a.labels.includes(term)) return a;
  return { ...a, labels: [...a.labels, term] };
}

export function addKeyword(a: Annotations, keyword: string): Annotations {
  const term = keyword.trim();
  if (!term || a.keywords.includes(term)) return a;
  return { ...a, keywords: [...a.keywords, term] };
}

export function removeKeyword(a: Annotations, keyword: string): Annotations {
  return { ...a, keywords: a.keywords.filter((k) => k !== keyword) };
}

export function setIdentity(a: Annotations, identity: string | null): Annotations {
  const value = identity?.trim() || null;
  return value === a.identity ? a : { ...a, identity: value };
}

export function setSplit(a: Annotations, split: Split | null): Annotations {
  return split === a.split ? a : { ...a, split };
}

export function addBox(a: Annotations, box: EditableBox): Annotations {
  return { ...a, boxes: [...a.boxes, box] };
}

export function updateBox(a: Annotations, index: number, change: Partial<EditableBox>): Annotations {
  const current = a.boxes[index];
  if (!current) return a;
  const next = { ...current, ...change };
  if (JSON.stringify(next) === JSON.stringify(current)) return a;
  return { ...a, boxes: a.boxes.map((b, i) => (i === index ? next : b)) };
}

export function removeBox(a: Annotations, index: number): Annotations {
  if (index < 0 || index >= a.boxes.length) return a;
  return { ...a, boxes: a.boxes.filter((_, i) => i !== index) };
}
