// Item filters as the dataset screen edits them, as the URL keeps them (so a filtered view can be
// shared and the item screen can step through it), and as the API takes them.
import type { components, paths } from '../client/schema';
import type { Split } from './api';

export interface MetadataCondition {
  key: string;
  value: string;
}

export interface MeasurementRange {
  key: string;
  min: number | null;
  max: number | null;
}

export interface ItemFilters {
  label: string | null;
  keyword: string | null;
  identity: string | null;
  split: Split | null;
  annotated: boolean | null;
  text: string | null;
  metadata: MetadataCondition[];
  measurements: MeasurementRange[];
  /** true: a model's suggestion waits for review; false: none waits. */
  pendingSuggestions: boolean | null;
  /** true: crops a detector cut from other items; false: every other item. */
  crop: boolean | null;
  /** Only the crops cut from this item. */
  sourceItemId: number | null;
}

export type ItemQuery = Omit<
  NonNullable<paths['/api/v1/projects/{project_id}/items']['get']['parameters']['query']>,
  'limit' | 'offset'
>;

export const EMPTY_FILTERS: ItemFilters = {
  label: null,
  keyword: null,
  identity: null,
  split: null,
  annotated: null,
  text: null,
  metadata: [],
  measurements: [],
  pendingSuggestions: null,
  crop: null,
  sourceItemId: null,
};

const SPLIT_VALUES: readonly string[] = ['train', 'val', 'test'];

function text(params: URLSearchParams, key: string): string | null {
  const value = params.get(key)?.trim();
  return value ? value : null;
}

function flag(params: URLSearchParams, key: string): boolean | null {
  const value = params.get(key);
  return value === 'true' ? true : value === 'false' ? false : null;
}

function itemId(params: URLSearchParams, key: string): number | null {
  const value = Number(params.get(key) ?? '');
  return Number.isSafeInteger(value) && value >= 1 && value <= 2_147_483_647 ? value : null;
}

function bound(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

export function parseMetadata(entry: string): MetadataCondition | null {
  const at = entry.indexOf(':');
  if (at <= 0) return null;
  return { key: entry.slice(0, at), value: entry.slice(at + 1) };
}

export function parseMeasurement(entry: string): MeasurementRange | null {
  const parts = entry.split(':');
  if (parts.length !== 3 || !parts[0]) return null;
  const range = { key: parts[0], min: bound(parts[1]), max: bound(parts[2]) };
  return range.min === null && range.max === null ? null : range;
}

export function formatMetadata(condition: MetadataCondition): string {
  return `${condition.key}:${condition.value}`;
}

export function formatMeasurement(range: MeasurementRange): string {
  return `${range.key}:${range.min ?? ''}:${range.max ?? ''}`;
}

export function filtersFromParams(params: URLSearchParams): ItemFilters {
  const split = text(params, 'split');
  return {
    label: text(params, 'label'),
    keyword: text(params, 'keyword'),
    identity: text(params, 'identity'),
    split: split && SPLIT_VALUES.includes(split) ? (split as Split) : null,
    annotated: flag(params, 'annotated'),
    text: text(params, 'text'),
    metadata: params.getAll('metadata').flatMap((e) => parseMetadata(e) ?? []),
    measurements: params.getAll('measurement').flatMap((e) => parseMeasurement(e) ?? []),
    pendingSuggestions: flag(params, 'pending_suggestions'),
    crop: flag(params, 'crop'),
    sourceItemId: itemId(params, 'source_item_id'),
  };
}

/** The filters as URL search parameters (the same names and formats as the API's). */
export function filtersToParams(filters: ItemFilters): URLSearchParams {
  const params = new URLSearchParams();
  const query = toItemQuery(filters);
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else if (value !== undefined && value !== null) params.set(key, String(value));
  }
  return params;
}

/** Only the conditions that are set, ready for `GET /items` or `GET /export`. */
export function toItemQuery(filters: ItemFilters): ItemQuery {
  const query: ItemQuery = {};
  if (filters.label) query.label = filters.label;
  if (filters.keyword) query.keyword = filters.keyword;
  if (filters.identity) query.identity = filters.identity;
  if (filters.split) query.split = filters.split;
  if (filters.annotated !== null) query.annotated = filters.annotated;
  if (filters.text) query.text = filters.text;
  const metadata = filters.metadata.filter((m) => m.key).map(formatMetadata);
  if (metadata.length) query.metadata = metadata;
  const measurement = filters.measurements
    .filter((m) => m.key && (m.min !== null || m.max !== null))
    .map(formatMeasurement);
  if (measurement.length) query.measurement = measurement;
  if (filters.pendingSuggestions !== null) query.pending_suggestions = filters.pendingSuggestions;
  if (filters.crop !== null) query.crop = filters.crop;
  if (filters.sourceItemId !== null) query.source_item_id = filters.sourceItemId;
  return query;
}

export function activeFilterCount(filters: ItemFilters): number {
  const query = toItemQuery(filters);
  return Object.values(query).reduce<number>(
    (n, value) => n + (Array.isArray(value) ? value.length : 1),
    0,
  );
}

/** The API's JSON form of the filters (`{"label": ..., "measurements": {"t": {"gte": 1}}}`), as
 * search, training runs and other POST bodies take them. Only the conditions that are set. */
export type ItemFilterBody = components['schemas']['ItemFilter'];

export function toItemFilter(filters: ItemFilters): ItemFilterBody {
  const body: ItemFilterBody = {};
  if (filters.label) body.label = filters.label;
  if (filters.keyword) body.keyword = filters.keyword;
  if (filters.identity) body.identity = filters.identity;
  if (filters.split) body.split = filters.split;
  if (filters.annotated !== null) body.annotated = filters.annotated;
  if (filters.text) body.text = filters.text;
  const metadata = filters.metadata.filter((m) => m.key);
  if (metadata.length) body.metadata = Object.fromEntries(metadata.map((m) => [m.key, m.value]));
  const ranges = filters.measurements.filter((m) => m.key && (m.min !== null || m.max !== null));
  if (ranges.length) {
    body.measurements = Object.fromEntries(
      ranges.map((m) => [m.key, { ...(m.min !== null ? { gte: m.min } : {}), ...(m.max !== null ? { lte: m.max } : {}) }]),
    );
  }
  if (filters.pendingSuggestions !== null) body.pending_suggestions = filters.pendingSuggestions;
  if (filters.crop !== null) body.crop = filters.crop;
  if (filters.sourceItemId !== null) body.source_item_id = filters.sourceItemId;
  return body;
}
