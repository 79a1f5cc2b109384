import type { RouteObject } from 'react-router';
import { DatasetPage } from './DatasetPage';
import { ImportExportPage } from './transfer/ImportExportPage';

export const datasetRoutes: RouteObject[] = [
  { index: true, element: <DatasetPage /> },
  { path: 'transfer', element: <ImportExportPage /> },
];
