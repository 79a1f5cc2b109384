import { createBrowserRouter, type RouteObject } from 'react-router';
import { annotationRoutes } from '../features/annotation/routes';
import { datasetRoutes } from '../features/datasets/routes';
import { ProjectsPage } from '../features/projects/ProjectsPage';
import { Layout } from './Layout';
import { NotFound } from './NotFound';
import { ProjectLayout } from './ProjectLayout';

// Each feature contributes its routes under /projects/:projectId. Search, training and models
// add theirs (and an entry in projectSections.ts) when their APIs land.
export const routes: RouteObject[] = [
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <ProjectsPage /> },
      {
        path: 'projects/:projectId',
        element: <ProjectLayout />,
        children: [...datasetRoutes, ...annotationRoutes],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
];

export const router = createBrowserRouter(routes);
