import { filtersToParams, type ItemFilters } from './itemFilters';

/** The item screen, told which filtered list it is in and where, so it can step through it. */
export function itemHref(projectId: number, itemId: number, filters: ItemFilters, index: number): string {
  const params = filtersToParams(filters);
  params.set('i', String(index));
  return `/projects/${projectId}/items/${itemId}?${params.toString()}`;
}

export function datasetHref(projectId: number, filters: ItemFilters): string {
  const params = filtersToParams(filters).toString();
  return `/projects/${projectId}${params ? `?${params}` : ''}`;
}
