import type { RouteObject } from 'react-router';

// Loaded on first visit (their code is not part of the first download).
export const searchRoutes: RouteObject[] = [
  { path: 'search', lazy: () => import('./SearchPage').then((m) => ({ Component: m.SearchPage })) },
  { path: 'spaces', lazy: () => import('./SpacesPage').then((m) => ({ Component: m.SpacesPage })) },
];
