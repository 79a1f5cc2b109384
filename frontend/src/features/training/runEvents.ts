// A training run's live feed (GET .../training-runs/{id}/events, Server-Sent Events; see
// backend/mireru/training/events.py): events parsed and checked, folded into what the run page
// shows — status, progress, one series per metric, the log's tail — and the series laid out for
// the charts.
import type { SseEvent } from '../../lib/sse';

export interface RunStatus {
  status: string;
  attempt: number;
  max_attempts: number | null;
  cancel_requested: boolean;
  device: string | null;
  error: string | null;
  model_version_id: number | null;
}

export interface RunProgress {
  epoch: number | null;
  epochs: number | null;
  step: number | null;
  steps_per_epoch: number | null;
  global_step: number | null;
  total_steps: number | null;
  items_per_s: number | null;
  eta_s: number | null;
  fraction: number | null;
}

export interface MetricPoint {
  step: number;
  epoch: number;
  value: number;
}

export interface LogLine {
  level: string;
  message: string;
  at: string | null;
}

export type RunEvent =
  | { type: 'status'; status: RunStatus }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'metric'; name: string; point: MetricPoint }
  | { type: 'log'; line: LogLine }
  | { type: 'end'; status: string };

export interface LiveRun {
  status: RunStatus | null;
  progress: RunProgress | null;
  /** Metric name → points in step order (a retried attempt's point replaces the same step's). */
  series: Record<string, MetricPoint[]>;
  logs: LogLine[];
  ended: boolean;
}

export const LOG_LINES_KEPT = 500;
export const EMPTY_RUN: LiveRun = { status: null, progress: null, series: {}, logs: [], ended: false };

type Json = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** One SSE event as a run event; null for anything malformed or unknown. */
export function parseRunEvent(event: SseEvent): RunEvent | null {
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const d = data as Json;
  switch (event.event) {
    case 'status': {
      const status = str(d.status);
      if (!status) return null;
      return {
        type: 'status',
        status: {
          status,
          attempt: num(d.attempt) ?? 1,
          max_attempts: num(d.max_attempts),
          cancel_requested: d.cancel_requested === true,
          device: str(d.device),
          error: str(d.error),
          model_version_id: num(d.model_version_id),
        },
      };
    }
    case 'progress':
      return {
        type: 'progress',
        progress: {
          epoch: num(d.epoch),
          epochs: num(d.epochs),
          step: num(d.step),
          steps_per_epoch: num(d.steps_per_epoch),
          global_step: num(d.global_step),
          total_steps: num(d.total_steps),
          items_per_s: num(d.items_per_s),
          eta_s: num(d.eta_s),
          fraction: num(d.fraction),
        },
      };
    case 'metric': {
      const name = str(d.name);
      const value = num(d.value);
      const step = num(d.step);
      if (!name || value === null || step === null) return null;
      return { type: 'metric', name, point: { step, epoch: num(d.epoch) ?? 0, value } };
    }
    case 'log': {
      const message = str(d.message);
      if (message === null) return null;
      return { type: 'log', line: { level: str(d.level) ?? 'info', message, at: str(d.at) } };
    }
    case 'end':
      return { type: 'end', status: str(d.status) ?? 'finished' };
    default:
      return null;
  }
}

function addPoint(points: MetricPoint[], point: MetricPoint): void {
  const last = points[points.length - 1];
  if (!last || last.step < point.step) {
    points.push(point);
    return;
  }
  // Out of order or repeated (a retried attempt goes over steps again): keep step order.
  const at = points.findIndex((p) => p.step >= point.step);
  if (points[at]?.step === point.step) points[at] = point;
  else points.splice(at, 0, point);
}

/** Fold a batch of events into the run's state (each touched series is copied once per batch). */
export function applyRunEvents(state: LiveRun, events: readonly RunEvent[]): LiveRun {
  if (!events.length) return state;
  let { status, progress, ended } = state;
  const series = { ...state.series };
  const copied = new Set<string>();
  const newLogs: LogLine[] = [];
  for (const event of events) {
    if (event.type === 'status') status = event.status;
    else if (event.type === 'progress') progress = event.progress;
    else if (event.type === 'log') newLogs.push(event.line);
    else if (event.type === 'end') {
      ended = true;
      if (status && status.status !== event.status) status = { ...status, status: event.status };
    } else {
      if (!copied.has(event.name)) {
        series[event.name] = [...(series[event.name] ?? [])];
        copied.add(event.name);
      }
      addPoint(series[event.name] as MetricPoint[], event.point);
    }
  }
  const logs = newLogs.length ? [...state.logs, ...newLogs].slice(-LOG_LINES_KEPT) : state.logs;
  return { status, progress, series: copied.size ? series : state.series, logs, ended };
}

export interface ChartSpec {
  title: string;
  names: string[];
}

/** Losses together, the learning rate alone, every other metric together. A classifier's confusion
 * cells (`val/confusion/<true>/<predicted>`) are counts, not curves: the Models page shows them. */
export function chartGroups(names: readonly string[]): ChartSpec[] {
  const sorted = names.filter((n) => !n.includes('/confusion/')).sort((a, b) => {
    const rank = (n: string) => (n.startsWith('train/') ? 0 : n.startsWith('val/') ? 1 : 2);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  const loss = sorted.filter((n) => /loss/i.test(n));
  const lr = sorted.filter((n) => n === 'lr' || n.endsWith('/lr'));
  const other = sorted.filter((n) => !loss.includes(n) && !lr.includes(n));
  return [
    { title: 'Loss', names: loss },
    { title: 'Validation metrics', names: other },
    { title: 'Learning rate', names: lr },
  ].filter((c) => c.names.length > 0);
}

/** Series on one x axis (the global step), as uPlot wants them: x ascending, a value or null
 * for each series at each x. */
export function alignSeries(series: Readonly<Record<string, readonly MetricPoint[]>>, names: readonly string[]): { x: number[]; ys: (number | null)[][] } {
  const steps = new Set<number>();
  for (const name of names) for (const p of series[name] ?? []) steps.add(p.step);
  const x = [...steps].sort((a, b) => a - b);
  const at = new Map(x.map((step, i) => [step, i]));
  const ys = names.map((name) => {
    const column: (number | null)[] = new Array<number | null>(x.length).fill(null);
    for (const p of series[name] ?? []) column[at.get(p.step) ?? 0] = p.value;
    return column;
  });
  return { x, ys };
}

export function pointCount(series: Readonly<Record<string, readonly MetricPoint[]>>): number {
  return Object.values(series).reduce((n, points) => n + points.length, 0);
}

/** The latest value of each metric, for the run's summary and the charts' text alternative. */
export function latestValues(series: Readonly<Record<string, readonly MetricPoint[]>>): { name: string; value: number; step: number }[] {
  return Object.entries(series)
    .flatMap(([name, points]) => {
      const last = points[points.length - 1];
      return last ? [{ name, value: last.value, step: last.step }] : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 0.001 || Math.abs(value) >= 100_000)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  const h = Math.floor(seconds / 3600);
  return `${h} h ${Math.round((seconds - h * 3600) / 60)} min`;
}

/** "epoch 2 of 3 · step 4 of 6 · 31 images/s · about 12 s left" */
export function progressWords(p: RunProgress | null, running = true): string {
  if (!p) return '';
  const parts: string[] = [];
  if (p.epoch !== null && p.epochs !== null) parts.push(`epoch ${p.epoch} of ${p.epochs}`);
  if (p.step !== null && p.steps_per_epoch !== null) parts.push(`step ${p.step} of ${p.steps_per_epoch}`);
  if (p.items_per_s !== null && p.items_per_s > 0) parts.push(`${formatMetric(p.items_per_s)} images/s`);
  if (running && p.eta_s !== null) parts.push(`about ${duration(p.eta_s)} left`);
  return parts.join(' · ');
}

export const FINISHED = ['succeeded', 'failed', 'cancelled'];
export const isFinishedStatus = (status: string | null | undefined) => !!status && FINISHED.includes(status);
