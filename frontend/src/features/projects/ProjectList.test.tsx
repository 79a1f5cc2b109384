// @vitest-environment jsdom
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '../../app/queryClient';
import { ProjectList } from './ProjectList';

function renderList() {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter>
        <ProjectList />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const json = (status: number, body: unknown) =>
  vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));

afterEach(() => vi.unstubAllGlobals());

describe('ProjectList', () => {
  it('lists projects with their item counts and marks the sample', async () => {
    vi.stubGlobal(
      'fetch',
      json(200, {
        total: 2,
        projects: [
          { id: 1, name: 'Sample: photos', description: 'demo', item_count: 220, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' },
          { id: 2, name: 'Bridges', description: '', item_count: 1, created_at: '2026-01-02T00:00:00Z', updated_at: '2026-01-02T00:00:00Z' },
        ],
      }),
    );
    renderList();
    expect(await screen.findByRole('link', { name: 'Sample: photos' })).toHaveAttribute('href', '/projects/1');
    expect(screen.getByText('sample')).toBeInTheDocument();
    expect(screen.getByRole('article', { name: 'Bridges' })).toHaveTextContent('1 item ·');
  });

  it('says why the list could not load', async () => {
    vi.stubGlobal('fetch', json(401, { error: { code: 'unauthorized', message: 'missing bearer token' } }));
    renderList();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the projects: missing bearer token (sign in, or set an API token in Settings)',
    );
  });
});
