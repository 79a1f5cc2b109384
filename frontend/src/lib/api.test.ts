// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, unwrap } from './api';
import { ApiError } from './errors';
import { setToken } from './token';

function answer(status: number, body: unknown) {
  return vi.fn(async (_request: Request) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
}

afterEach(() => {
  vi.unstubAllGlobals();
  setToken(null);
});

describe('the API client', () => {
  it('returns the data of a 2xx answer and sends the token', async () => {
    const fetch = answer(200, { projects: [], total: 0 });
    vi.stubGlobal('fetch', fetch);
    setToken('s3cret');
    await expect(unwrap(api.GET('/api/v1/projects'))).resolves.toEqual({ projects: [], total: 0 });
    const request = fetch.mock.calls[0]?.[0];
    expect(request?.headers.get('Authorization')).toBe('Bearer s3cret');
    expect(new URL(request?.url ?? '').pathname).toBe('/api/v1/projects');
  });

  it('repeats list filters as the API expects', async () => {
    const fetch = answer(200, { items: [], total: 0, limit: 1, offset: 0 });
    vi.stubGlobal('fetch', fetch);
    await unwrap(
      api.GET('/api/v1/projects/{project_id}/items', {
        params: { path: { project_id: 3 }, query: { measurement: ['a:1:', 'b::2'], limit: 1 } },
      }),
    );
    const url = new URL(fetch.mock.calls[0]?.[0].url ?? '');
    expect(url.pathname).toBe('/api/v1/projects/3/items');
    expect(url.searchParams.getAll('measurement')).toEqual(['a:1:', 'b::2']);
  });

  it('throws the API’s error in words', async () => {
    vi.stubGlobal('fetch', answer(404, { error: { code: 'not_found', message: 'project 9 does not exist' } }));
    const call = unwrap(api.GET('/api/v1/projects/{project_id}', { params: { path: { project_id: 9 } } }));
    await expect(call).rejects.toBeInstanceOf(ApiError);
    await expect(call).rejects.toThrow('project 9 does not exist');
  });

  it('turns a failed connection into a sentence', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(unwrap(api.GET('/api/v1/projects'))).rejects.toThrow(/Cannot reach the Mireru server/);
  });
});
