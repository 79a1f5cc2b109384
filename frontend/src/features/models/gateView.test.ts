import { describe, expect, it } from 'vitest';
import type { DeployGate } from './api';
import { deployedWords, formatScore, gateView, scoredOn, skipReason } from './gateView';

const measured = (candidate: number, deployed: number, extra: Partial<DeployGate> = {}): DeployGate => ({
  outcome: candidate < deployed ? 'worse' : 'passed',
  reason: '',
  slot: 'embedding',
  metric: 'recall@1',
  candidate,
  deployed,
  figures: [
    { name: 'recall@1', label: 'Recall@1', candidate, deployed },
    { name: 'map@r', label: 'mAP@R', candidate: 0.5, deployed: 0.5 },
  ],
  split: 'test',
  held_out_items: 40,
  gallery_items: 300,
  capped: false,
  compared_with: "the active space 'MobileNetV2 (ImageNet)'",
  deployed_model_version_id: null,
  deployed_space_id: 7,
  ...extra,
});

describe('the deploy comparison in words', () => {
  it('shows a worse version as worse, and its confirm button forces the deploy', () => {
    const view = gateView(measured(0.61, 0.72), 'v3 embedding');
    expect(view.headline).toBe("v3 embedding scores worse than the active space 'MobileNetV2 (ImageNet)' on Recall@1: deploying it replaces a better model.");
    expect(view.worse).toBe(true);
    expect(view.force).toBe(true);
    expect(view.confirmLabel).toMatch(/^Force deploy/);
    expect(view.rows).toEqual([
      { metric: 'Recall@1', candidate: '0.610', deployed: '0.720', better: 'deployed' },
      { metric: 'mAP@R', candidate: '0.500', deployed: '0.500', better: 'tie' },
    ]);
    expect(view.scoredOn).toBe('40 held-out test items, searched among 300 training items');
  });

  it('deploys a version that scores at least as well without forcing', () => {
    const view = gateView(measured(0.8, 0.8, { slot: 'classifier', gallery_items: null, split: 'val', held_out_items: 1 }), 'v4 classifier');
    expect(view.headline).toMatch(/^v4 classifier scores at least as well as/);
    expect([view.worse, view.force, view.confirmLabel]).toEqual([false, false, 'Deploy']);
    expect(view.scoredOn).toBe('1 held-out val item');
    expect(scoredOn({ held_out_items: 200, split: 'val', gallery_items: null, capped: true })).toMatch(/sample/);
  });

  it('says why there was nothing to compare', () => {
    const skipped: DeployGate = { outcome: 'skipped', reason: 'gate skipped: no classifier version is deployed yet', slot: 'classifier', held_out_items: 0, capped: false };
    const view = gateView(skipped, 'v1 classifier');
    expect(view.headline).toBe('No classifier version is deployed yet. Deploying replaces what the classifier slot serves without a comparison.');
    expect([view.rows, view.force, view.confirmLabel]).toEqual([[], false, 'Deploy']);
    expect(skipReason('')).toBe('');
  });

  it('words the status after a deploy and formats scores', () => {
    expect(deployedWords('v2 detector', null)).toBe('v2 detector deployed.');
    expect(deployedWords('v2 detector', { ...measured(0.1, 0.2), outcome: 'forced' })).toMatch(/forced/);
    expect(deployedWords('v2 detector', measured(0.3, 0.2))).toMatch(/at least as well/);
    expect(formatScore(1)).toBe('1.000');
    expect(formatScore(Number.NaN)).toBe('NaN');
  });
});
