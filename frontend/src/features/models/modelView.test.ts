import { describe, expect, it } from 'vitest';
import {
  comparedMetric,
  confusionGrid,
  deploymentWords,
  formatGain,
  gainWords,
  isBest,
  metricColumns,
  metricGain,
  metricLabel,
  modelFacts,
  modelWarnings,
  perClassRows,
  primaryColumns,
  primaryMetrics,
  toggleCompared,
} from './modelView';

const deployment = (status: 'live' | 'reembedding', slot = 'embedding') => ({
  id: 1,
  slot,
  model_version_id: 3,
  active: true,
  status,
  reembed_job_id: null,
  replaced_id: null,
  rollback_of: null,
  created_at: '',
  retired_at: null,
});

describe('model versions in words', () => {
  it('picks validation metrics for the list, scores before losses', () => {
    expect(
      metricColumns([
        { metrics: { 'train/epoch_loss': 0.4, 'val/loss': 0.5 } },
        { metrics: { 'val/recall@1': 0.9, 'val/loss': 0.3, 'val/map': 0.7 } },
      ]),
    ).toEqual(['val/map', 'val/recall@1', 'val/loss']);
    expect(metricColumns([])).toEqual([]);
  });

  it('says what a deployment does', () => {
    expect(deploymentWords({ deployed: false, deployment: null, produces: 'embedding' })).toBe('');
    expect(deploymentWords({ deployed: true, deployment: deployment('live'), produces: 'embedding' })).toBe('deployed: search uses it');
    expect(deploymentWords({ deployed: true, deployment: deployment('reembedding'), produces: 'embedding' })).toMatch(/re-embedding/);
    expect(deploymentWords({ deployed: true, deployment: deployment('live', 'classifier'), produces: 'prediction' })).toBe('deployed as the classifier');
    expect(modelFacts({ base_model: 'tiny-cnn', size_bytes: 2048, run_id: 4 })).toBe('tiny-cnn · 2.0 KB · run 4');
  });

  it('marks the best value of a comparison row', () => {
    const row = { name: 'val/loss', values: { '3': 0.2, '5': 0.4, '6': null }, higher_is_better: false, best_model_id: 3 };
    expect(isBest(row, 3)).toBe(true);
    expect(isBest(row, 5)).toBe(false);
    expect(isBest(row, 6)).toBe(false);
    expect(isBest({ ...row, best_model_id: null }, 3)).toBe(false);
  });

  it('toggles versions in and out of the comparison', () => {
    expect(toggleCompared([3], 5)).toEqual([3, 5]);
    expect(toggleCompared([3, 5], 3)).toEqual([5]);
    expect(toggleCompared([1, 2], 3, 2)).toEqual([2, 3]);
  });
});

describe('what a version\'s metrics say', () => {
  it('shows each kind\'s primary metrics as labelled columns', () => {
    const embedding = { kind: 'embedding', metrics: { 'val/recall@1': 0.9, 'val/map@r': 0.5, 'val/loss': 0.2, 'baseline/recall@1': 0.6 } };
    const classifier = { kind: 'classifier', metrics: { 'val/accuracy': 0.8, 'val/macro_f1': 0.7, 'val/precision/0': 1 } };
    const detector = { kind: 'detector', metrics: { 'val/map50': 0.6, 'val/map': 0.4 } };
    const keywords = { kind: 'keywords', metrics: { 'val/f1': 0.5, 'val/f1@3': 0.4, 'val/precision@3': 0.3 } };
    expect(primaryMetrics(classifier)).toEqual([
      { name: 'val/accuracy', label: 'Accuracy' },
      { name: 'val/macro_f1', label: 'Macro-F1' },
    ]);
    expect(primaryMetrics(keywords).map((c) => c.label)).toEqual(['F1@3', 'F1']);
    expect(primaryColumns([embedding, classifier, detector, keywords], 10).map((c) => c.label)).toEqual([
      'Recall@1',
      'mAP@R',
      'Accuracy',
      'Macro-F1',
      'mAP@0.5',
      'mAP@[.5:.95]',
      'F1@3',
      'F1',
    ]);
    expect(primaryColumns([{ kind: 'triplet', metrics: { 'val/recall@1': 1 } }])).toEqual([{ name: 'val/recall@1', label: 'Recall@1' }]);
    expect(primaryColumns([{ kind: 'mystery', metrics: { 'val/loss': 1, 'val/iou': 0.3 } }]).map((c) => c.name)).toEqual(['val/iou', 'val/loss']);
    expect(metricLabel('val/f1@5')).toBe('F1@5');
    expect(metricLabel('val/mean_cosine')).toBe('val/mean_cosine');
  });

  it('gives the gain over the untrained network and the active space', () => {
    const metrics = { 'val/recall@1': 0.91, 'baseline/recall@1': 0.68, 'baseline/space/recall@1': 0.86, 'val/map@r': 0.4 };
    const gain = metricGain(metrics, 'val/recall@1');
    expect(gain?.overUntrained).toBeCloseTo(0.23);
    expect(gain?.overSpace).toBeCloseTo(0.05);
    expect(gainWords(gain!)).toBe('0.91 (+0.23 over untrained, +0.05 over the active space)');
    expect(gainWords(metricGain(metrics, 'val/map@r')!)).toBe('0.40');
    expect(metricGain(metrics, 'val/accuracy')).toBeNull();
    expect(formatGain(-0.1234)).toBe('−0.12');
    expect(formatGain(-0.001)).toBe('+0.00');
  });

  it('lists the version\'s warnings', () => {
    expect(modelWarnings({ config: { warnings: ['collapsed embedding', 3, ''] } })).toEqual(['collapsed embedding']);
    expect(modelWarnings({ config: {} })).toEqual([]);
  });

  it('makes per-class rows with F1 and the confusion matrix grid', () => {
    const model = {
      config: { classes: ['red', 'a/b', 'green'] },
      metrics: {
        'val/precision/red': 0.5,
        'val/recall/red': 1,
        'val/precision/a/b': 0,
        'val/recall/a/b': 0,
        'val/confusion/red/red': 2,
        'val/confusion/a/b/red': 2,
        'val/accuracy': 0.5,
      },
    };
    const grid = confusionGrid(model);
    expect(grid).toEqual({
      labels: ['red', 'a/b'],
      counts: [
        [2, 0],
        [2, 0],
      ],
      max: 2,
    });
    const rows = perClassRows(model);
    expect(rows.map((r) => r.name)).toEqual(['a/b', 'red']);
    expect(rows[1]?.f1).toBeCloseTo(2 / 3);
    expect(rows[0]).toEqual({ name: 'a/b', precision: 0, recall: 0, f1: 0, support: 2 });
    expect(confusionGrid({ config: {}, metrics: { 'val/accuracy': 1 } })).toBeNull();
    expect(confusionGrid({ config: {}, metrics: { 'val/confusion/x/y': 1 } })?.labels).toEqual(['x', 'y']);
    expect(comparedMetric('val/confusion/x/y')).toBe(false);
    expect(comparedMetric('val/accuracy')).toBe(true);
  });
});
