import { describe, expect, it } from 'vitest';
import { EMPTY_FILTERS } from '../../../lib/itemFilters';
import { exportUrl } from './ExportForm';

describe('exportUrl', () => {
  it('adds the format to the dataset filters', () => {
    const url = new URL(exportUrl(4, 'csv', { ...EMPTY_FILTERS, label: 'cat', measurements: [{ key: 't', min: 1, max: null }] }), 'http://x');
    expect(url.pathname).toBe('/api/v1/projects/4/export');
    expect(url.searchParams.get('format')).toBe('csv');
    expect(url.searchParams.get('label')).toBe('cat');
    expect(url.searchParams.get('measurement')).toBe('t:1:');
  });

  it('exports everything without filters', () => {
    expect(exportUrl(4, 'coco', null)).toBe('/api/v1/projects/4/export?format=coco');
  });
});
