import type { Item } from '../../lib/api';

export interface FieldKeys {
  metadata: string[];
  measurements: { key: string; min: number; max: number }[];
}

/** The metadata keys and sensor readings seen in some items, to suggest in the filters.
 * (The API has no route listing them yet.) */
export function fieldKeys(items: readonly Item[]): FieldKeys {
  const metadata = new Set<string>();
  const ranges = new Map<string, { min: number; max: number }>();
  for (const item of items) {
    for (const key of Object.keys(item.metadata)) metadata.add(key);
    for (const [key, value] of Object.entries(item.measurements)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const range = ranges.get(key);
      ranges.set(key, range ? { min: Math.min(range.min, value), max: Math.max(range.max, value) } : { min: value, max: value });
    }
  }
  return {
    metadata: [...metadata].sort(),
    measurements: [...ranges.entries()].map(([key, r]) => ({ key, ...r })).sort((a, b) => a.key.localeCompare(b.key)),
  };
}
