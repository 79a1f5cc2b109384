import type { RouteObject } from 'react-router';

export const accessRoutes: RouteObject[] = [
  { path: 'members', lazy: () => import('./MembersPage').then((m) => ({ Component: m.MembersPage })) },
];
