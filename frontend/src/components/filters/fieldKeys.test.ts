import { describe, expect, it } from 'vitest';
import type { Item } from '../../lib/api';
import { fieldKeys } from './fieldKeys';

const item = (metadata: Item['metadata'], measurements: Item['measurements']) => ({ metadata, measurements }) as Item;

describe('fieldKeys', () => {
  it('collects metadata keys and the range of each reading', () => {
    const keys = fieldKeys([item({ camera: 'A' }, { t: 3, lux: 10 }), item({ site: 'x', camera: 'B' }, { t: -1 })]);
    expect(keys.metadata).toEqual(['camera', 'site']);
    expect(keys.measurements).toEqual([
      { key: 'lux', min: 10, max: 10 },
      { key: 't', min: -1, max: 3 },
    ]);
  });
});
