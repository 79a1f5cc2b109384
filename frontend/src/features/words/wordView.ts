// Word models for people: their state in words, the forms that train or import one, and word
// suggestions for the keyword editor. Word models write a multi-word keyword as one token joined
// with "_" ("fatigue_crack"), so words go back to spaces when offered as keywords.
import type { components } from '../../client/schema';

export type WordModel = components['schemas']['WordModelRead'];
export type WordNeighbours = components['schemas']['WordNeighbours'];
/** The formats `POST /word-models/import` reads (it detects them when none is given). */
export type VectorFormat = 'word2vec-text' | 'word2vec-binary' | 'glove' | 'keyedvectors';

export const VECTOR_FORMATS: readonly { value: VectorFormat; label: string }[] = [
  { value: 'word2vec-text', label: 'word2vec text' },
  { value: 'word2vec-binary', label: 'word2vec binary' },
  { value: 'glove', label: 'GloVe text (no header)' },
  { value: 'keyedvectors', label: 'gensim KeyedVectors' },
];

export function isBuildingWordModel(model: Pick<WordModel, 'status'>): boolean {
  return model.status === 'queued' || model.status === 'running';
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** How far its job got, 0..1, or null when unknown. */
export function wordModelFraction(model: Pick<WordModel, 'progress' | 'status'>): number | null {
  if (model.status === 'ready') return 1;
  return num(model.progress?.fraction);
}

/** "ready", "running: epoch 3/10", "failed: …" */
export function wordModelStatus(model: Pick<WordModel, 'status' | 'progress' | 'error' | 'active'>): string {
  const message = typeof model.progress?.message === 'string' ? model.progress.message : '';
  if (model.status === 'failed') return model.error ? `failed: ${model.error}` : 'failed';
  if (isBuildingWordModel(model)) return message ? `${model.status}: ${message}` : model.status;
  return model.active ? `${model.status}, active` : model.status;
}

/** "trained · 64 dimensions · 1,204 words · 3,100 sentences" */
export function wordModelFacts(model: Pick<WordModel, 'source' | 'dimension' | 'stats'>): string {
  const words = num(model.stats.words);
  const sentences = num(model.stats.sentences);
  const format = typeof model.stats.format === 'string' ? model.stats.format : null;
  return [
    model.source === 'imported' ? `imported${format ? ` (${format})` : ''}` : 'trained',
    model.dimension !== null ? `${model.dimension} dimensions` : null,
    words !== null ? `${words.toLocaleString()} words` : null,
    sentences !== null ? `${sentences.toLocaleString()} sentences` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Why words were left out, if any were ("12 too rare"). */
export function skippedWords(model: Pick<WordModel, 'stats'>): string {
  const skipped = model.stats.skipped;
  if (typeof skipped !== 'object' || skipped === null) return '';
  return Object.entries(skipped)
    .filter(([, n]) => typeof n === 'number' && n > 0)
    .map(([why, n]) => `${(n as number).toLocaleString()} ${why.replace(/_/g, ' ')}`)
    .join(', ');
}

export interface TrainValues {
  name: string;
  vectorSize: string;
  epochs: string;
  minCount: string;
  window: string;
  skipGram: boolean;
  includeItems: boolean;
  activate: boolean;
}

export const TRAIN_DEFAULTS: TrainValues = {
  name: '',
  vectorSize: '64',
  epochs: '10',
  minCount: '2',
  window: '5',
  skipGram: true,
  includeItems: true,
  activate: true,
};

const INT_FIELDS: readonly { key: keyof TrainValues; field: string; title: string; min: number; max: number }[] = [
  { key: 'vectorSize', field: 'vector_size', title: 'Dimensions', min: 2, max: 1000 },
  { key: 'epochs', field: 'epochs', title: 'Epochs', min: 1, max: 200 },
  { key: 'minCount', field: 'min_count', title: 'Minimum count', min: 1, max: 1000 },
  { key: 'window', field: 'window', title: 'Window', min: 1, max: 50 },
];

/** The multipart form of `POST /word-models`, or the problems by field. */
export function trainForm(values: TrainValues, corpus: File | null): { form?: FormData; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const form = new FormData();
  if (values.name.trim()) form.append('name', values.name.trim());
  for (const { key, field, title, min, max } of INT_FIELDS) {
    const raw = String(values[key]).trim();
    const n = Number(raw);
    if (!raw || !Number.isInteger(n) || n < min || n > max) errors[key] = `${title}: a whole number from ${min} to ${max}.`;
    else form.append(field, String(n));
  }
  if (!values.includeItems && !corpus) errors.corpus = 'Train on the items’ text, or add a text file (or both).';
  form.append('sg', String(values.skipGram));
  form.append('include_items', String(values.includeItems));
  form.append('activate', String(values.activate));
  if (corpus) form.append('corpus', corpus, corpus.name);
  return Object.keys(errors).length ? { errors } : { form, errors };
}

/** The multipart form of `POST /word-models/import`. */
export function importForm(file: File, format: VectorFormat | '', name: string, limit: string, activate: boolean): { form?: FormData; error?: string } {
  const form = new FormData();
  form.append('file', file, file.name);
  if (format) form.append('format', format);
  if (name.trim()) form.append('name', name.trim());
  if (limit.trim()) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1) return { error: 'Keep the first N words: a whole number, at least 1.' };
    form.append('limit', String(n));
  }
  form.append('activate', String(activate));
  return { form };
}

/** A word of the word model as a keyword ("fatigue_crack" → "fatigue crack"). */
export function wordToKeyword(word: string): string {
  return word.replace(/_+/g, ' ').trim();
}

/** What the word list is asked for when a keyword is typed ("fatigue c" → "fatigue_c"). */
export function keywordToWordPrefix(typed: string): string {
  return typed.trim().replace(/\s+/g, '_');
}

export interface KeywordOption {
  value: string;
  hint?: string;
}

/** The project's own keywords first (with how many items use them), then words of the word
 * model not among them; never what the item has already, never twice. */
export function mergeKeywordOptions(
  vocabulary: readonly { keyword: string; count: number }[],
  words: readonly { word: string }[],
  existing: readonly string[],
  max = 10,
): KeywordOption[] {
  const taken = new Set(existing);
  const out: KeywordOption[] = [];
  for (const k of vocabulary) {
    if (out.length >= max) return out;
    if (!taken.has(k.keyword)) out.push({ value: k.keyword, hint: String(k.count) });
    taken.add(k.keyword);
  }
  // The word model lower-cases as it likes: "Rust" in the project means "rust" is not new.
  const lower = new Set([...taken].map((k) => k.toLowerCase()));
  for (const w of words) {
    if (out.length >= max) return out;
    const value = wordToKeyword(w.word);
    if (!value || lower.has(value.toLowerCase())) continue;
    lower.add(value.toLowerCase());
    out.push({ value, hint: 'word model' });
  }
  return out;
}
