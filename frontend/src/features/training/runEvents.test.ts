import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from '../../lib/sse';
import {
  EMPTY_RUN,
  LOG_LINES_KEPT,
  alignSeries,
  applyRunEvents,
  chartGroups,
  formatMetric,
  latestValues,
  parseRunEvent,
  pointCount,
  progressWords,
  type RunEvent,
} from './runEvents';

// What backend/mireru/training/events.py sends, byte for byte in form.
const STREAM = [
  'retry: 2000\n\n',
  'event: status\nid: 0.1\ndata: {"status":"running","attempt":1,"max_attempts":3,"cancel_requested":false,"device":"cpu","amp":"off","worker":"w1","error":null,"model_version_id":null}\n\n',
  'event: log\nid: 0.2\ndata: {"level":"info","message":"attempt 1 training on cpu","attempt":1,"at":"2026-01-01T00:00:00Z"}\n\n',
  'event: metric\nid: 1.2\ndata: {"name":"train/loss","value":2.5,"step":1,"epoch":1,"attempt":1}\n\n',
  'event: metric\nid: 2.2\ndata: {"name":"lr","value":0.001,"step":1,"epoch":1,"attempt":1}\n\n',
  'event: metric\nid: 3.2\ndata: {"name":"train/loss","value":1.5,"step":2,"epoch":1,"attempt":1}\n\n',
  'event: metric\nid: 4.2\ndata: {"name":"val/recall@1","value":0.5,"step":2,"epoch":1,"attempt":1}\n\n',
  'event: progress\nid: 4.2\ndata: {"epoch":1,"epochs":2,"step":2,"steps_per_epoch":2,"global_step":2,"total_steps":4,"items_per_s":12.345,"eta_s":3.2,"elapsed_s":1.1,"fraction":0.5,"status":"running","attempt":1}\n\n',
  'event: status\nid: 4.2\ndata: {"status":"succeeded","attempt":1,"max_attempts":3,"cancel_requested":false,"device":"cpu","amp":"off","worker":"w1","error":null,"model_version_id":7}\n\n',
  'event: end\nid: 4.2\ndata: {"status":"succeeded"}\n\n',
];

function eventsOf(chunks: string[]): RunEvent[] {
  const out: RunEvent[] = [];
  const parser = createSseParser((e) => {
    const parsed = parseRunEvent(e);
    if (parsed) out.push(parsed);
  });
  chunks.forEach((c) => parser.feed(c));
  return out;
}

const metric = (name: string, step: number, value: number): RunEvent => ({ type: 'metric', name, point: { step, epoch: 1, value } });

describe('a run’s live events', () => {
  it('parses the stream into typed events', () => {
    const events = eventsOf(STREAM);
    expect(events.map((e) => e.type)).toEqual(['status', 'log', 'metric', 'metric', 'metric', 'metric', 'progress', 'status', 'end']);
    expect(events[2]).toEqual({ type: 'metric', name: 'train/loss', point: { step: 1, epoch: 1, value: 2.5 } });
  });

  it('ignores malformed or unknown events', () => {
    const bad = (event: string, data: string): SseEvent => ({ event, data, id: null });
    expect(parseRunEvent(bad('metric', '{"name":"x"}'))).toBeNull();
    expect(parseRunEvent(bad('metric', 'not json'))).toBeNull();
    expect(parseRunEvent(bad('status', '[]'))).toBeNull();
    expect(parseRunEvent(bad('party', '{}'))).toBeNull();
  });

  it('folds them into status, progress, series and logs', () => {
    const run = applyRunEvents(EMPTY_RUN, eventsOf(STREAM));
    expect(run.status).toMatchObject({ status: 'succeeded', model_version_id: 7, device: 'cpu' });
    expect(run.progress).toMatchObject({ epoch: 1, epochs: 2, fraction: 0.5, eta_s: 3.2 });
    expect(run.series['train/loss']?.map((p) => p.value)).toEqual([2.5, 1.5]);
    expect(run.logs).toEqual([{ level: 'info', message: 'attempt 1 training on cpu', at: '2026-01-01T00:00:00Z' }]);
    expect(run.ended).toBe(true);
    expect(pointCount(run.series)).toBe(4);
    expect(latestValues(run.series)).toEqual([
      { name: 'lr', value: 0.001, step: 1 },
      { name: 'train/loss', value: 1.5, step: 2 },
      { name: 'val/recall@1', value: 0.5, step: 2 },
    ]);
  });

  it('keeps series in step order when a retried attempt repeats steps, without touching old state', () => {
    const first = applyRunEvents(EMPTY_RUN, [metric('train/loss', 1, 3), metric('train/loss', 2, 2), metric('train/loss', 3, 1)]);
    const second = applyRunEvents(first, [metric('train/loss', 2, 2.2), metric('train/loss', 0, 4)]);
    expect(second.series['train/loss']?.map((p) => [p.step, p.value])).toEqual([
      [0, 4],
      [1, 3],
      [2, 2.2],
      [3, 1],
    ]);
    expect(first.series['train/loss']).toHaveLength(3);
    expect(applyRunEvents(first, [])).toBe(first);
  });

  it('keeps only the log’s tail', () => {
    const lines: RunEvent[] = Array.from({ length: LOG_LINES_KEPT + 5 }, (_, i) => ({ type: 'log', line: { level: 'info', message: `line ${i}`, at: null } }));
    const run = applyRunEvents(EMPTY_RUN, lines);
    expect(run.logs).toHaveLength(LOG_LINES_KEPT);
    expect(run.logs[0]?.message).toBe('line 5');
  });
});

describe('curves', () => {
  it('groups losses, metrics and the learning rate', () => {
    expect(chartGroups(['val/recall@1', 'lr', 'val/loss', 'train/loss', 'train/epoch_loss'])).toEqual([
      { title: 'Loss', names: ['train/epoch_loss', 'train/loss', 'val/loss'] },
      { title: 'Validation metrics', names: ['val/recall@1'] },
      { title: 'Learning rate', names: ['lr'] },
    ]);
    expect(chartGroups([])).toEqual([]);
    expect(chartGroups(['val/accuracy', 'val/confusion/red/blue', 'baseline/accuracy'])).toEqual([{ title: 'Validation metrics', names: ['val/accuracy', 'baseline/accuracy'] }]);
  });

  it('puts the baseline points at step 0 on the axis', () => {
    const run = applyRunEvents(EMPTY_RUN, [metric('baseline/accuracy', 0, 0.3), metric('val/accuracy', 2, 0.8)]);
    expect(alignSeries(run.series, ['val/accuracy', 'baseline/accuracy'])).toEqual({
      x: [0, 2],
      ys: [
        [null, 0.8],
        [0.3, null],
      ],
    });
  });

  it('aligns series of different steps on one x axis', () => {
    const run = applyRunEvents(EMPTY_RUN, [metric('train/loss', 1, 3), metric('train/loss', 2, 2), metric('val/loss', 2, 2.5), metric('train/loss', 3, 1)]);
    expect(alignSeries(run.series, ['train/loss', 'val/loss'])).toEqual({
      x: [1, 2, 3],
      ys: [
        [3, 2, 1],
        [null, 2.5, null],
      ],
    });
  });

  it('says how far the run is, in words', () => {
    const run = applyRunEvents(EMPTY_RUN, eventsOf(STREAM));
    expect(progressWords(run.progress)).toBe('epoch 1 of 2 · step 2 of 2 · 12.35 images/s · about 3 s left');
    expect(progressWords(run.progress, false)).toBe('epoch 1 of 2 · step 2 of 2 · 12.35 images/s');
    expect(progressWords(null)).toBe('');
    expect(formatMetric(0.000012)).toBe('1.20e-5');
    expect(formatMetric(0.123456)).toBe('0.1235');
  });
});
