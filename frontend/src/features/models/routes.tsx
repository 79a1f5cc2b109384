import type { RouteObject } from 'react-router';

export const modelRoutes: RouteObject[] = [
  { path: 'models', lazy: () => import('./ModelsPage').then((m) => ({ Component: m.ModelsPage })) },
];
