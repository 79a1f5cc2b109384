// @vitest-environment jsdom
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '../../app/queryClient';
import type { Item } from '../../lib/api';
import { ItemCrops } from './ItemCrops';

function item(id: number, extra: Partial<Item> = {}): Item {
  const base = `/api/v1/projects/1/items/${id}`;
  return {
    id, project_id: 1, filename: `item-${id}.png`, sha256: 'a'.repeat(64), media_type: 'image/png',
    width: 96, height: 96, size_bytes: 100, metadata: {}, measurements: {}, text: null, split: null,
    identity: null, labels: [], keywords: [], boxes: [], source_item_id: null, source_box: null,
    created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
    image_url: `${base}/image`, thumbnail_url: `${base}/thumbnail`, ...extra,
  };
}

const box = { x: 24, y: 12, w: 48, h: 24, label: 'bolt', score: 0.91, model_id: 3 };

/** A fake API: item 5 is an image with two crops (7 and 8); item 7 is one of them. */
function fakeApi(crops: Item[]) {
  const requests: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: Request | string) => {
      const url = new URL(typeof input === 'string' ? input : input.url, 'http://localhost');
      requests.push(url.pathname + url.search);
      const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
      if (url.pathname.endsWith('/thumbnail')) return new Response('', { status: 200 });
      if (url.pathname === '/api/v1/projects/1/items') {
        const source = Number(url.searchParams.get('source_item_id'));
        const mine = crops.filter((c) => c.source_item_id === source);
        return json({ items: mine, total: mine.length, limit: 24, offset: 0 });
      }
      const id = Number(url.pathname.split('/').pop());
      return json(item(id));
    }),
  );
  return requests;
}

function renderCrops(shown: Item) {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter>
        <ItemCrops projectId={1} item={shown} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

const crops = [item(7, { source_item_id: 5, source_box: box }), item(8, { source_item_id: 5, source_box: { ...box, x: 60 } })];

describe('ItemCrops', () => {
  it('shows the crops of an image as links that step through them', async () => {
    const requests = fakeApi(crops);
    renderCrops(item(5));
    const strip = await screen.findByRole('region', { name: 'Crops from this image' });
    expect(within(strip).getByRole('heading')).toHaveTextContent('Crops from this image (2)');
    const links = within(strip).getAllByRole('link');
    expect(links.map((l) => l.getAttribute('href'))).toEqual([
      '/projects/1/items/7?source_item_id=5&i=0',
      '/projects/1/items/8?source_item_id=5&i=1',
    ]);
    expect(links[0]).toHaveAttribute('title', 'bolt, score 0.91, at 24, 12 (48 × 24 px)');
    expect(requests).toContain('/api/v1/projects/1/items?source_item_id=5&offset=0&limit=24');
    expect(screen.queryByRole('region', { name: 'Cropped from' })).toBeNull();
  });

  it('links a crop to the item it was cut from, with the box', async () => {
    const requests = fakeApi(crops);
    renderCrops(crops[0] as Item);
    const origin = screen.getByRole('region', { name: 'Cropped from' });
    const link = within(origin).getByRole('link', { name: /Cropped from item #5/ });
    expect(link).toHaveAttribute('href', '/projects/1/items/5');
    expect(origin).toHaveTextContent('Box: bolt, score 0.91, at 24, 12 (48 × 24 px)');
    // Once the source is loaded: its name, and the box outlined over its thumbnail (96 px wide).
    expect(await within(link).findByText('(item-5.png)')).toBeInTheDocument();
    const outline = origin.querySelector<HTMLElement>('.crop-source-box');
    expect(outline?.style.left).toBe('25%');
    expect(outline?.style.width).toBe('50%');
    // A crop with no crops of its own shows no strip.
    await waitFor(() => expect(requests).toContain('/api/v1/projects/1/items?source_item_id=7&offset=0&limit=24'));
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.queryByRole('region', { name: 'Crops from this image' })).toBeNull();
  });

  it('says so when the source image has been deleted', () => {
    fakeApi([]);
    renderCrops(item(9, { source_item_id: null, source_box: box }));
    const origin = screen.getByRole('region', { name: 'Cropped from' });
    expect(origin).toHaveTextContent('Cropped from an item that has since been deleted.');
    expect(within(origin).queryByRole('link')).toBeNull();
  });
});
