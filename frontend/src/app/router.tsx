import { createBrowserRouter, type RouteObject } from 'react-router';
import { accessRoutes } from '../features/access/routes';
import { annotationRoutes } from '../features/annotation/routes';
import { SignInPage } from '../features/auth/SignInPage';
import { datasetRoutes } from '../features/datasets/routes';
import { modelRoutes } from '../features/models/routes';
import { ProjectsPage } from '../features/projects/ProjectsPage';
import { searchRoutes } from '../features/search/routes';
import { trainingRoutes } from '../features/training/routes';
import { wordRoutes } from '../features/words/routes';
import { Loading } from '../components/Loading';
import { Layout } from './Layout';
import { NotFound } from './NotFound';
import { ProjectLayout } from './ProjectLayout';

// Each feature contributes its routes under /projects/:projectId (and a tab in
// projectSections.ts). The sign-in page stands outside the layout, which asks for it on a 401.
export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  {
    path: '/',
    element: <Layout />,
    // Shown while the code of a screen opened first (a lazy route) loads.
    hydrateFallbackElement: <Loading />,
    children: [
      { index: true, element: <ProjectsPage /> },
      {
        path: 'projects/:projectId',
        element: <ProjectLayout />,
        children: [...datasetRoutes, ...annotationRoutes, ...searchRoutes, ...wordRoutes, ...trainingRoutes, ...modelRoutes, ...accessRoutes],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
];

export const router = createBrowserRouter(routes);
