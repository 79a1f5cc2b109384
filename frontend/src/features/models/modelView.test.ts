import { describe, expect, it } from 'vitest';
import { deploymentWords, isBest, metricColumns, modelFacts, toggleCompared } from './modelView';

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
