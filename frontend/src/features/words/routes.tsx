import type { RouteObject } from 'react-router';

// Loaded on first visit (their code is not part of the first download).
export const wordRoutes: RouteObject[] = [
  { path: 'words', lazy: () => import('./WordsPage').then((m) => ({ Component: m.WordsPage })) },
];
