import { describe, expect, it } from 'vitest';
import { hasTextTower, spaceLabel, spaceProgress, spaceStatusWords } from './spaceView';

describe('embedding spaces in words', () => {
  it('says how far a build is', () => {
    expect(
      spaceProgress({ status: 'embedding', progress: { done: 40, total: 220, fraction: 0.18, eta_s: 12, message: 'embedding' } }),
    ).toEqual({ fraction: 0.18, words: 'embedding 40 of 220, about 12 s left' });
    expect(spaceProgress({ status: 'queued', progress: null })).toEqual({ fraction: null, words: 'waiting for a worker' });
    expect(spaceProgress({ status: 'ready', progress: null })).toBeNull();
    expect(spaceProgress({ status: 'embedding', progress: { done: 0, total: 0, message: 'loading mobilenet_v2' } })).toEqual({
      fraction: null,
      words: 'loading mobilenet_v2',
    });
  });

  it('names the status, the active space and failures', () => {
    expect(spaceStatusWords({ status: 'ready', error: null, active: true, activation_pending: false })).toBe('ready, active');
    expect(spaceStatusWords({ status: 'indexing', error: null, active: false, activation_pending: true })).toBe(
      'indexing (becomes active when ready)',
    );
    expect(spaceStatusWords({ status: 'failed', error: 'out of memory', active: false, activation_pending: false })).toBe(
      'failed: out of memory',
    );
  });

  it('knows which models read text', () => {
    expect(hasTextTower({ backbone: 'open_clip' })).toBe(true);
    expect(hasTextTower({ backbone: 'torchvision' })).toBe(false);
    expect(spaceLabel({ name: 'MobileNetV2', dimension: 1280, item_count: 2200 })).toBe('MobileNetV2 (2,200 items, 1280-d)');
  });
});
