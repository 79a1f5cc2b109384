// @vitest-environment jsdom
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '../../app/queryClient';
import { useAccess } from './api';
import { AuthGate } from './AuthGate';

const json = (status: number, body: unknown) =>
  vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));

function Where() {
  const { pathname, search } = useLocation();
  return <p>at {pathname + search}</p>;
}

function Offers({ projectId }: { projectId: number }) {
  const access = useAccess(projectId);
  if (!access.me) return null;
  return (
    <ul aria-label="offered">
      {access.can('upload') ? <li>upload</li> : null}
      {access.can('train') ? <li>train</li> : null}
      {access.can('manageMembers') ? <li>members</li> : null}
    </ul>
  );
}

function renderAt(path: string, child = <Offers projectId={7} />) {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/sign-in" element={<Where />} />
          <Route path="*" element={<AuthGate>{child}</AuthGate>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('AuthGate', () => {
  it('sends a browser without a session to the sign-in page, remembering where it was going', async () => {
    vi.stubGlobal('fetch', json(401, { error: { code: 'unauthorized', message: 'sign in' } }));
    renderAt('/projects/7/search?item=3');
    expect(await screen.findByText('at /sign-in?next=%2Fprojects%2F7%2Fsearch%3Fitem%3D3')).toBeInTheDocument();
  });

  it('offers only what the role on the project allows', async () => {
    vi.stubGlobal(
      'fetch',
      json(200, { kind: 'user', name: 'ana', user_id: 2, superuser: false, projects: [{ project_id: 7, role: 'annotator' }] }),
    );
    renderAt('/projects/7');
    const offered = await screen.findByRole('list', { name: 'offered' });
    expect(offered).toHaveTextContent('upload');
    expect(offered).not.toHaveTextContent('train');
    expect(offered).not.toHaveTextContent('members');
  });

  it('offers everything in the single-user mode', async () => {
    vi.stubGlobal('fetch', json(200, { kind: 'open', name: 'local user', user_id: null, superuser: true, projects: null }));
    renderAt('/projects/7');
    expect(await screen.findByRole('list', { name: 'offered' })).toHaveTextContent('uploadtrainmembers');
  });
});
