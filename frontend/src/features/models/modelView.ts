// Model versions for people: which metrics to show in the list, the deployment in words, and
// the comparison's best values.
import { formatBytes } from '../../lib/format';
import type { ModelComparison, ModelVersion } from './api';

/** The metrics worth a column: validation ones first, then the rest, at most `max`. */
export function metricColumns(models: readonly Pick<ModelVersion, 'metrics'>[], max = 3): string[] {
  const names = new Set<string>();
  for (const m of models) for (const name of Object.keys(m.metrics)) names.add(name);
  const rank = (n: string) => (n.startsWith('val/') ? (/loss/.test(n) ? 1 : 0) : 2);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).slice(0, max);
}

export function deploymentWords(model: Pick<ModelVersion, 'deployed' | 'deployment' | 'produces'>): string {
  if (!model.deployed || !model.deployment) return '';
  if (model.deployment.status === 'reembedding') return 'deploying: re-embedding the project for search';
  return model.produces === 'embedding' ? 'deployed: search uses it' : `deployed as the ${model.deployment.slot}`;
}

export function modelTitle(model: Pick<ModelVersion, 'version' | 'kind'>): string {
  return `v${model.version} ${model.kind}`;
}

export function modelFacts(model: Pick<ModelVersion, 'base_model' | 'size_bytes' | 'run_id'>): string {
  return [model.base_model || 'from scratch', formatBytes(model.size_bytes), model.run_id !== null ? `run ${model.run_id}` : 'run deleted']
    .filter(Boolean)
    .join(' · ');
}

/** Is this the best value of its row (ties all count)? */
export function isBest(row: ModelComparison['metrics'][number], modelId: number): boolean {
  if (row.best_model_id === null) return false;
  const best = row.values[String(row.best_model_id)];
  const value = row.values[String(modelId)];
  return value !== null && value !== undefined && value === best;
}

/** Toggle a version in the comparison, keeping the order in which they were picked. */
export function toggleCompared(ids: readonly number[], id: number, max = 20): number[] {
  if (ids.includes(id)) return ids.filter((x) => x !== id);
  return [...ids, id].slice(-max);
}

// --- what a version's metrics say ----------------------------------------------------------------

/** A column of the versions list: the metric (`val/...`) and its name for people. */
export interface MetricColumn {
  name: string;
  label: string;
}

const EMBEDDING_PRIMARY: MetricColumn[] = [
  { name: 'val/recall@1', label: 'Recall@1' },
  { name: 'val/map@r', label: 'mAP@R' },
];

/** Each kind's headline metrics, in the order they are shown (keywords add F1@k as emitted). */
const PRIMARY: Record<string, MetricColumn[]> = {
  embedding: EMBEDDING_PRIMARY,
  triplet: EMBEDDING_PRIMARY,
  classifier: [
    { name: 'val/accuracy', label: 'Accuracy' },
    { name: 'val/macro_f1', label: 'Macro-F1' },
  ],
  detector: [
    { name: 'val/map50', label: 'mAP@0.5' },
    { name: 'val/map', label: 'mAP@[.5:.95]' },
  ],
  keywords: [{ name: 'val/f1', label: 'F1' }],
};

const LABELS: Record<string, string> = Object.fromEntries(Object.values(PRIMARY).flatMap((cols) => cols.map((c) => [c.name, c.label])));

/** A metric's name for people: `val/f1@3` -> "F1@3", a known one by its label, others as they are. */
export function metricLabel(name: string): string {
  const known = LABELS[name];
  if (known) return known;
  const atK = /^val\/f1@(\d+)$/.exec(name);
  return atK ? `F1@${atK[1]}` : name;
}

/** The primary metrics of one version's kind that it has, F1@k first for keywords. */
export function primaryMetrics(model: Pick<ModelVersion, 'kind' | 'metrics'>): MetricColumn[] {
  const names = Object.keys(model.metrics);
  const atK = names.filter((n) => /^val\/f1@\d+$/.test(n)).sort();
  const listed = model.kind === 'keywords' ? [...atK.map((name) => ({ name, label: metricLabel(name) })), ...(PRIMARY.keywords ?? [])] : (PRIMARY[model.kind] ?? []);
  return listed.filter((c) => model.metrics[c.name] !== undefined);
}

/** The list's columns: every listed kind's primary metrics (an unknown kind: its first validation metrics). */
export function primaryColumns(models: readonly Pick<ModelVersion, 'kind' | 'metrics'>[], max = 6): MetricColumn[] {
  const out = new Map<string, MetricColumn>();
  for (const m of models) {
    const cols = PRIMARY[m.kind] ? primaryMetrics(m) : metricColumns([m], 2).map((name) => ({ name, label: metricLabel(name) }));
    for (const c of cols) if (!out.has(c.name)) out.set(c.name, c);
  }
  return [...out.values()].slice(0, max);
}

/** `val/x` against `baseline/x` (the untrained network) and `baseline/space/x` (the active space). */
export interface MetricGain {
  value: number;
  overUntrained: number | null;
  overSpace: number | null;
}

export function metricGain(metrics: Readonly<Record<string, number>>, name: string): MetricGain | null {
  const value = metrics[name];
  if (value === undefined) return null;
  const rest = name.replace(/^val\//, '');
  const against = (key: string) => {
    const base = metrics[key];
    return base === undefined || !Number.isFinite(base) || !Number.isFinite(value) ? null : value - base;
  };
  return { value, overUntrained: against(`baseline/${rest}`), overSpace: against(`baseline/space/${rest}`) };
}

export function formatGain(delta: number): string {
  const rounded = Number(delta.toFixed(2));
  return `${rounded < 0 ? '−' : '+'}${Math.abs(rounded).toFixed(2)}`;
}

const round2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : String(v));

/** "0.91 (+0.23 over untrained, +0.05 over the active space)" */
export function gainWords(gain: MetricGain): string {
  const parts = [
    gain.overUntrained !== null ? `${formatGain(gain.overUntrained)} over untrained` : null,
    gain.overSpace !== null ? `${formatGain(gain.overSpace)} over the active space` : null,
  ].filter(Boolean);
  return parts.length ? `${round2(gain.value)} (${parts.join(', ')})` : round2(gain.value);
}

/** The version's warnings (`config.warnings`), strings only. */
export function modelWarnings(model: Pick<ModelVersion, 'config'>): string[] {
  const warnings = model.config.warnings;
  return Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === 'string' && w.length > 0) : [];
}

export interface ClassRow {
  name: string;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Validation items of the class (the confusion matrix's row), when it was recorded. */
  support: number | null;
}

const PRECISION = 'val/precision/';
const RECALL = 'val/recall/';
const CONFUSION = 'val/confusion/';

/** Per-class precision, recall and F1 (computed here), by class name. */
export function perClassRows(model: Pick<ModelVersion, 'metrics' | 'config'>): ClassRow[] {
  const metrics = model.metrics;
  const names = new Set<string>();
  for (const key of Object.keys(metrics)) {
    if (key.startsWith(PRECISION)) names.add(key.slice(PRECISION.length));
    else if (key.startsWith(RECALL)) names.add(key.slice(RECALL.length));
  }
  const grid = confusionGrid(model);
  return [...names]
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      const precision = metrics[PRECISION + name] ?? null;
      const recall = metrics[RECALL + name] ?? null;
      const f1 = precision === null || recall === null ? null : precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
      const at = grid ? grid.labels.indexOf(name) : -1;
      const support = grid && at >= 0 ? (grid.counts[at] ?? []).reduce((a, b) => a + b, 0) : null;
      return { name, precision, recall, f1, support };
    });
}

export interface ConfusionGrid {
  /** Class names, rows (true) and columns (predicted) alike. */
  labels: string[];
  counts: number[][];
  max: number;
}

/** The classifier's `val/confusion/<true>/<predicted>` cells as a square grid; null without them. */
export function confusionGrid(model: Pick<ModelVersion, 'metrics' | 'config'>): ConfusionGrid | null {
  const classes = Array.isArray(model.config.classes) ? model.config.classes.filter((c): c is string => typeof c === 'string').map((c) => c.slice(0, 60)) : [];
  const known = new Set(classes);
  const cells: [string, string, number][] = [];
  for (const [key, value] of Object.entries(model.metrics)) {
    if (!key.startsWith(CONFUSION)) continue;
    const rest = key.slice(CONFUSION.length);
    // Class names may hold "/": split where both sides are known classes, else at the first "/".
    const split = classes.find((c) => rest.startsWith(`${c}/`) && known.has(rest.slice(c.length + 1)));
    const cut = split !== undefined ? split.length : rest.indexOf('/');
    if (cut <= 0) continue;
    cells.push([rest.slice(0, cut), rest.slice(cut + 1), value]);
  }
  if (!cells.length) return null;
  const seen = new Set(cells.flatMap(([t, p]) => [t, p]));
  const labels = [...classes.filter((c) => seen.has(c)), ...[...seen].filter((c) => !known.has(c)).sort((a, b) => a.localeCompare(b))];
  const at = new Map(labels.map((l, i) => [l, i]));
  const counts = labels.map(() => labels.map(() => 0));
  for (const [t, p, v] of cells) {
    const row = counts[at.get(t) ?? 0];
    if (row) row[at.get(p) ?? 0] = v;
  }
  return { labels, counts, max: Math.max(...cells.map(([, , v]) => v)) };
}

/** Comparison rows worth a row: not the confusion cells. */
export function comparedMetric(name: string): boolean {
  return !name.includes('/confusion/');
}
