import type { RouteObject } from 'react-router';

// Loaded on first visit: the charting library comes with them.
export const trainingRoutes: RouteObject[] = [
  { path: 'training', lazy: () => import('./TrainingPage').then((m) => ({ Component: m.TrainingPage })) },
  { path: 'training/new', lazy: () => import('./NewRunPage').then((m) => ({ Component: m.NewRunPage })) },
  { path: 'training/:runId', lazy: () => import('./RunPage').then((m) => ({ Component: m.RunPage })) },
];
