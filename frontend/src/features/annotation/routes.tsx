import type { RouteObject } from 'react-router';
import { ItemPage } from './ItemPage';

export const annotationRoutes: RouteObject[] = [{ path: 'items/:itemId', element: <ItemPage /> }];
