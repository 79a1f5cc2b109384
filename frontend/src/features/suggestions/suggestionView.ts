// Suggestions from deployed models as the screens show and apply them. Accepting one changes the
// item's annotations; the item screen applies the same change to its own copy (as the server
// does on accept), so the copy it saves whole never undoes what was accepted.
import type { components } from '../../client/schema';
import { ApiError } from '../../lib/errors';
import { clampRect, type Rect, type Size } from '../../lib/geometry';
import { addBox, addKeyword, addLabel, type Annotations, type GhostBox } from '../../lib/annotationState';

export type Suggestion = components['schemas']['SuggestionRead'];
export type SuggestionKind = Suggestion['kind'];
export type PredictKind = components['schemas']['BatchPredictRequest']['kind'];
export type BatchPredictRequest = components['schemas']['BatchPredictRequest'];
export type CropRequest = components['schemas']['CropRequest'];
export type ClassifyResponse = components['schemas']['ClassifyResponse'];
export type DetectResponse = components['schemas']['DetectResponse'];
export type KeywordsResponse = components['schemas']['KeywordsResponse'];

export interface PredictKindInfo {
  kind: PredictKind;
  /** What its suggestions become. */
  suggests: SuggestionKind;
  /** "classifier" in a sentence. */
  noun: string;
  /** The button that asks it about one item. */
  ask: string;
}

export const PREDICT_KINDS: readonly PredictKindInfo[] = [
  { kind: 'classifier', suggests: 'label', noun: 'classifier', ask: 'Classify' },
  { kind: 'keywords', suggests: 'keyword', noun: 'keywords model', ask: 'Suggest keywords' },
  { kind: 'detector', suggests: 'box', noun: 'detector', ask: 'Detect objects' },
];

export function predictKindInfo(kind: PredictKind): PredictKindInfo {
  return PREDICT_KINDS.find((k) => k.kind === kind) ?? { kind, suggests: 'label', noun: `${kind} model`, ask: kind };
}

/** Only the fields that say what a suggestion changes. */
export type SuggestedChange = Pick<Suggestion, 'kind' | 'value' | 'x' | 'y' | 'w' | 'h'>;

/** The box of a box suggestion in whole pixels inside the image (as the editor keeps boxes). */
export function suggestedRect(s: Pick<Suggestion, 'x' | 'y' | 'w' | 'h'>, image: Size): Rect {
  return clampRect({ x: s.x ?? 0, y: s.y ?? 0, w: s.w ?? 1, h: s.h ?? 1 }, image);
}

function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;
}

/** Does the item already have what the suggestion offers? */
export function isApplied(a: Annotations, s: SuggestedChange, image: Size): boolean {
  if (s.kind === 'label') return a.labels.includes(s.value.trim());
  if (s.kind === 'keyword') return a.keywords.includes(s.value.trim());
  const rect = suggestedRect(s, image);
  return a.boxes.some((b) => b.label === s.value && sameRect(b, rect));
}

/** The annotations with the suggestions applied: labels and keywords added once, boxes appended. */
export function applySuggestions(a: Annotations, accepted: readonly SuggestedChange[], image: Size): Annotations {
  let next = a;
  for (const s of accepted) {
    if (s.kind === 'label') next = addLabel(next, s.value);
    else if (s.kind === 'keyword') next = addKeyword(next, s.value);
    else if (!isApplied(next, s, image)) next = addBox(next, { label: s.value, ...suggestedRect(s, image) });
  }
  return next;
}

/** Pending suggestions by kind, best first within each. */
export function groupByKind<T extends Pick<Suggestion, 'kind' | 'score'>>(list: readonly T[]): Record<SuggestionKind, T[]> {
  const groups: Record<SuggestionKind, T[]> = { label: [], keyword: [], box: [] };
  for (const s of list) groups[s.kind].push(s);
  for (const group of Object.values(groups)) group.sort((x, y) => y.score - x.score);
  return groups;
}

export const KIND_TITLES: Record<SuggestionKind, string> = { label: 'Class labels', keyword: 'Keywords', box: 'Boxes' };

/** A box drawn dashed over the image: a suggestion or a detection not added yet. */
export type { GhostBox };

/** Pending box suggestions the item does not have yet. */
export function ghostsFromSuggestions(list: readonly Suggestion[], a: Annotations, image: Size): GhostBox[] {
  return list
    .filter((s) => s.kind === 'box' && s.status === 'pending' && s.w !== null && s.h !== null && !isApplied(a, s, image))
    .map((s) => ({ key: `s${s.id}`, label: s.value, score: s.score, ...suggestedRect(s, image) }));
}

export function ghostsFromDetections(answer: DetectResponse | null, a: Annotations, image: Size): GhostBox[] {
  if (!answer) return [];
  return answer.boxes
    .map((b, i) => ({ key: `d${i}`, label: b.label, score: b.score, ...suggestedRect(b, image) }))
    .filter((g) => !isApplied(a, { kind: 'box', value: g.label, x: g.x, y: g.y, w: g.w, h: g.h }, image));
}

/** Scores as people read them: probabilities (labels, boxes) in percent, similarities with 2 decimals. */
export function formatSuggestionScore(kind: SuggestionKind, score: number): string {
  if (!Number.isFinite(score)) return '—';
  return kind === 'keyword' ? score.toFixed(2) : `${Math.round(score * 100)}%`;
}

/** Which model made it, for people: "v3 classifier" (or a deleted one). */
export function modelWords(
  modelVersionId: number | null,
  models: readonly { id: number; version: number; kind: string }[],
): string {
  if (modelVersionId === null) return 'a deleted model';
  const model = models.find((m) => m.id === modelVersionId);
  return model ? `v${model.version} ${model.kind}` : `model ${modelVersionId}`;
}

/** The 409 the prediction routes answer when no model of the kind is deployed. */
export function isNoModelDeployed(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409;
}

export function noModelSentence(kind: PredictKind): string {
  return `No ${predictKindInfo(kind).noun} is deployed in this project yet.`;
}

/** The deployed version of each prediction kind (what "Ask the models" and batch suggest use). */
export function deployedByKind<T extends { kind: string; deployed?: boolean }>(models: readonly T[]): Partial<Record<PredictKind, T>> {
  const out: Partial<Record<PredictKind, T>> = {};
  for (const m of models) {
    const info = PREDICT_KINDS.find((k) => k.kind === m.kind);
    if (info && m.deployed && !out[info.kind]) out[info.kind] = m;
  }
  return out;
}

/** The first item other than `itemId` with a pending suggestion (the list is by item). */
export function nextItemWithSuggestions(list: readonly Pick<Suggestion, 'item_id'>[], itemId: number | null): number | null {
  return list.find((s) => s.item_id !== itemId)?.item_id ?? null;
}

/** The most items one batch takes (the API's default). */
export const BATCH_LIMIT = 10_000;

/** The body of `POST /predict/batch` from the form's text inputs, or the problem with them. */
export function batchRequest(
  kind: PredictKind,
  filters: BatchPredictRequest['filters'],
  minScore: string,
  topK: string,
  itemIds: number[] = [],
): { body?: BatchPredictRequest; error?: string } {
  const score = Number(minScore);
  if (!minScore.trim() || !Number.isFinite(score) || score < 0 || score > 1) return { error: 'The minimum score is a number from 0 to 1.' };
  const k = kind === 'classifier' ? Number(topK) : 1;
  if (!Number.isInteger(k) || k < 1 || k > 20) return { error: 'Classes per item is a whole number from 1 to 20.' };
  const body: BatchPredictRequest = { kind, filters, min_score: score, top_k: k, limit: BATCH_LIMIT };
  // A selection narrows the run to those items (still within the filters they were picked from).
  return { body: itemIds.length ? { ...body, item_ids: itemIds } : body };
}

/** What a finished batch job left, from its free-form result. */
export function batchSummary(result: Record<string, unknown> | null | undefined): { items: number; suggestions: number } | null {
  if (!result) return null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return { items: num(result.items), suggestions: num(result.suggestions) };
}

/** Detect-then-retrieve: the same selection and minimum score, each detection stored as an item. */
export function cropRequest(filters: CropRequest['filters'], minScore: string, itemIds: number[] = []): { body?: CropRequest; error?: string } {
  const score = Number(minScore);
  if (!minScore.trim() || !Number.isFinite(score) || score < 0 || score > 1) return { error: 'The minimum score is a number from 0 to 1.' };
  const body: CropRequest = { filters, score_threshold: score, limit: BATCH_LIMIT, labels: [], min_size: 8, padding: 0.05 };
  return { body: itemIds.length ? { ...body, item_ids: itemIds } : body };
}

/** What a finished crops job left. */
export function cropSummary(result: Record<string, unknown> | null | undefined): { items: number; crops: number } | null {
  if (!result || typeof result.crops !== 'number') return null;
  return { items: typeof result.items === 'number' ? result.items : 0, crops: result.crops };
}
