import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, unwrap, type BulkAnnotate, type ItemPage } from './api';
import { ApiError } from './errors';
import type { ItemQuery } from './itemFilters';
import { queryKeys } from './queryKeys';

export function fetchItems(projectId: number, query: ItemQuery, offset: number, limit: number, signal?: AbortSignal) {
  return unwrap(
    api.GET('/api/v1/projects/{project_id}/items', {
      params: { path: { project_id: projectId }, query: { ...query, offset, limit } },
      signal,
    }),
  );
}

export function itemListQuery(projectId: number, query: ItemQuery, offset: number, limit: number) {
  return {
    queryKey: queryKeys.itemList(projectId, query, offset, limit),
    queryFn: ({ signal }: { signal: AbortSignal }): Promise<ItemPage> =>
      fetchItems(projectId, query, offset, limit, signal),
  };
}

export function useItem(projectId: number, itemId: number) {
  return useQuery({
    queryKey: queryKeys.item(projectId, itemId),
    queryFn: ({ signal }) => {
      if (!Number.isFinite(itemId)) throw new ApiError(404, 'not_found', 'There is no such item.');
      return unwrap(
        api.GET('/api/v1/projects/{project_id}/items/{item_id}', {
          params: { path: { project_id: projectId, item_id: itemId } },
          signal,
        }),
      );
    },
  });
}

export function useLabels(projectId: number) {
  return useQuery({
    queryKey: queryKeys.labels(projectId),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/projects/{project_id}/labels', { params: { path: { project_id: projectId } }, signal })),
  });
}

export function useCreateLabel(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      unwrap(api.POST('/api/v1/projects/{project_id}/labels', { params: { path: { project_id: projectId } }, body: { name } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.labels(projectId) }),
  });
}

/** Keywords starting with `prefix`, most used first (the vocabulary for autocomplete). */
export function useKeywords(projectId: number, prefix: string) {
  return useQuery({
    queryKey: queryKeys.keywords(projectId, prefix),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/projects/{project_id}/keywords', {
          params: { path: { project_id: projectId }, query: { prefix: prefix || undefined, limit: 20 } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

export function useIdentities(projectId: number) {
  return useQuery({
    queryKey: queryKeys.identities(projectId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/projects/{project_id}/identities', {
          params: { path: { project_id: projectId }, query: { limit: 1000 } },
          signal,
        }),
      ),
  });
}

/** After items or their annotations change: lists, counts and vocabularies are stale. */
export function refreshAfterItemChange(queryClient: QueryClient, projectId: number): Promise<unknown> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: queryKeys.items(projectId) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.labels(projectId) }),
    queryClient.invalidateQueries({ queryKey: ['keywords', projectId] }),
    queryClient.invalidateQueries({ queryKey: queryKeys.identities(projectId) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.project(projectId) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.projects, exact: true }),
  ]);
}

export type BulkChange = Omit<BulkAnnotate, 'item_ids'>;

export function useBulkAnnotate(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ itemIds, change }: { itemIds: number[]; change: BulkChange }) =>
      unwrap(
        api.POST('/api/v1/projects/{project_id}/annotations/bulk', {
          params: { path: { project_id: projectId } },
          body: { ...change, item_ids: itemIds },
        }),
      ),
    onSettled: () => refreshAfterItemChange(queryClient, projectId),
  });
}
