// A search as the URL keeps it (so "find similar" is a link and a search can be shared) and as
// the API takes it: `POST /search` with JSON for an item or a text, `POST /search/image` with a
// multipart form for an image. The dataset filters keep their own URL names (see lib/itemFilters).
import type { components } from '../client/schema';
import { filtersFromParams, filtersToParams, toItemFilter, type ItemFilters } from './itemFilters';

export type SearchRequestBody = components['schemas']['SearchRequest'];
export type SearchResponse = components['schemas']['SearchResponse'];
export type SearchHit = components['schemas']['SearchHit'];

export type WordSearchBody = components['schemas']['ItemWordSearchRequest'];
export type WordSearchResponse = components['schemas']['ItemWordSearchResponse'];
export type Combine = WordSearchBody['combine'];

export type SearchMode = 'item' | 'image' | 'text' | 'words';
export const SEARCH_MODES: readonly SearchMode[] = ['item', 'image', 'text', 'words'];
/** The most words one search takes (as the API allows). */
export const MAX_WORDS = 20;

export const DEFAULT_K = 24;
export const MAX_K = 1000;

export interface SearchSettings {
  mode: SearchMode;
  itemId: number | null;
  /** The text query (the URL's `q`; `text` is the dataset's text filter). */
  text: string;
  k: number;
  /** null: the project's active space. */
  spaceId: number | null;
  excludeSelf: boolean;
  /** Words mode: search with the mean of the words, or score by the nearest word. */
  combine: Combine;
  filters: ItemFilters;
}

function positiveInt(raw: string | null): number | null {
  if (raw === null || !/^\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n > 0 && Number.isSafeInteger(n) ? n : null;
}

export function clampK(k: number): number {
  return Number.isFinite(k) ? Math.min(MAX_K, Math.max(1, Math.round(k))) : DEFAULT_K;
}

export function searchFromParams(params: URLSearchParams): SearchSettings {
  const itemId = positiveInt(params.get('item'));
  const text = params.get('q') ?? '';
  const raw = params.get('mode');
  const mode: SearchMode = SEARCH_MODES.find((m) => m === raw) ?? (text && itemId === null ? 'text' : 'item');
  return {
    mode,
    itemId,
    text,
    k: clampK(positiveInt(params.get('k')) ?? DEFAULT_K),
    spaceId: positiveInt(params.get('space')),
    excludeSelf: params.get('self') === '0',
    combine: params.get('combine') === 'best' ? 'best' : 'mean',
    filters: filtersFromParams(params),
  };
}

export function searchToParams(settings: SearchSettings): URLSearchParams {
  const params = filtersToParams(settings.filters);
  params.set('mode', settings.mode);
  if (settings.itemId !== null) params.set('item', String(settings.itemId));
  if (settings.text) params.set('q', settings.text);
  if (settings.k !== DEFAULT_K) params.set('k', String(settings.k));
  if (settings.spaceId !== null) params.set('space', String(settings.spaceId));
  if (settings.excludeSelf) params.set('self', '0');
  if (settings.mode === 'words' && settings.combine !== 'mean') params.set('combine', settings.combine);
  return params;
}

/** The search page's link for items similar to one item. */
export function similarHref(projectId: number, itemId: number, filters?: ItemFilters): string {
  const params = filters ? filtersToParams(filters) : new URLSearchParams();
  params.set('mode', 'item');
  params.set('item', String(itemId));
  return `/projects/${projectId}/search?${params.toString()}`;
}

/** The JSON body for an item or text search, or null while the query is incomplete. */
export function buildSearchBody(settings: SearchSettings): SearchRequestBody | null {
  const common: SearchRequestBody = { k: settings.k, filters: toItemFilter(settings.filters), exclude_self: false, exact: false };
  if (settings.spaceId !== null) common.space_id = settings.spaceId;
  if (settings.mode === 'item') {
    if (settings.itemId === null) return null;
    return { ...common, item_id: settings.itemId, exclude_self: settings.excludeSelf };
  }
  if (settings.mode === 'text') {
    const text = settings.text.trim();
    return text ? { ...common, text } : null;
  }
  return null;
}

/** Words and phrases typed with commas between them ("rust, fatigue crack"): trimmed, each once,
 * at most MAX_WORDS. */
export function parseWords(text: string): string[] {
  const words: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    const word = part.trim().replace(/\s+/g, ' ');
    if (word && !words.includes(word)) words.push(word);
  }
  return words.slice(0, MAX_WORDS);
}

/** The JSON body of `POST /search/words`, or null while no word is typed. */
export function buildWordsBody(settings: SearchSettings): WordSearchBody | null {
  if (settings.mode !== 'words') return null;
  const words = parseWords(settings.text);
  if (!words.length) return null;
  return { words, k: settings.k, filters: toItemFilter(settings.filters), combine: settings.combine };
}

/** Which path answered a search by words, in words. */
export function viaWords(response: Pick<WordSearchResponse, 'via' | 'model_version_id'>): string {
  return response.via === 'keyword-model'
    ? `via the deployed keywords model${response.model_version_id !== null ? ` (version id ${response.model_version_id})` : ''}`
    : 'via the keywords nearest to the words';
}

/** The multipart form of `POST /search/image`: the file and the same options as form fields
 * (`filters` as JSON text). */
export function buildImageSearchForm(file: Blob, filename: string, settings: SearchSettings): FormData {
  const form = new FormData();
  form.append('file', file, filename);
  form.append('k', String(settings.k));
  if (settings.spaceId !== null) form.append('space_id', String(settings.spaceId));
  const filters = toItemFilter(settings.filters);
  if (Object.keys(filters).length) form.append('filters', JSON.stringify(filters));
  return form;
}

/** Scores as people read them: cosine similarity with 3 decimals, others with 4 significant digits. */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return '—';
  return Math.abs(score) <= 1 ? score.toFixed(3) : score.toPrecision(4);
}
