// Where a crop came from, read from an item's loosely typed `source_box` (the detection the
// crop job stored: x, y, w, h in the source image's pixels, label, score, model_id).
import type { Item } from '../../lib/api';
import { EMPTY_FILTERS, type ItemFilters } from '../../lib/itemFilters';

export interface SourceBox {
  x: number;
  y: number;
  w: number;
  h: number;
  label: string | null;
  score: number | null;
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The detection a crop was cut from, or null when the item is no crop (or the box is malformed). */
export function sourceBoxOf(item: Pick<Item, 'source_box'>): SourceBox | null {
  const raw = item.source_box;
  if (!raw) return null;
  const { x, y, w, h, label, score } = raw;
  if (!finite(x) || !finite(y) || !finite(w) || !finite(h) || w <= 0 || h <= 0) return null;
  return { x, y, w, h, label: typeof label === 'string' && label ? label : null, score: finite(score) ? score : null };
}

/** An item is a crop when it names its source or still carries the detection's box. */
export function isCrop(item: Pick<Item, 'source_item_id' | 'source_box'>): boolean {
  return item.source_item_id != null || sourceBoxOf(item) !== null;
}

/** "bolt, score 0.93, at 12, 30 (28 × 28 px)". */
export function describeSourceBox(box: SourceBox): string {
  const what = [box.label, box.score !== null ? `score ${box.score.toFixed(2)}` : null].filter(Boolean).join(', ');
  const where = `at ${Math.round(box.x)}, ${Math.round(box.y)} (${Math.round(box.w)} × ${Math.round(box.h)} px)`;
  return what ? `${what}, ${where}` : where;
}

/** The box as percentages of the source image, to outline it over a thumbnail of any size. */
export function boxPercent(box: SourceBox, image: { width: number; height: number }) {
  const pct = (v: number, of: number) => `${Math.max(0, Math.min(100, (v / of) * 100)).toFixed(2)}%`;
  return { left: pct(box.x, image.width), top: pct(box.y, image.height), width: pct(box.w, image.width), height: pct(box.h, image.height) };
}

/** The listing filter "crops of this item": the strip's query and the item page's stepping list. */
export function cropsOf(itemId: number): ItemFilters {
  return { ...EMPTY_FILTERS, sourceItemId: itemId };
}
