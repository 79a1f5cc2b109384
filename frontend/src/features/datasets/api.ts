import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, unwrap, type BulkAnnotate, type ItemPage } from '../../lib/api';
import type { ItemQuery } from '../../lib/itemFilters';
import { queryKeys } from '../../lib/queryKeys';

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

/** Run `task` over `inputs`, at most `limit` at a time; results in input order. */
export async function mapLimited<T, R>(inputs: readonly T[], limit: number, task: (input: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await task(inputs[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}

/** There is no bulk delete route: delete one by one, four at a time, and say which failed. */
export function useDeleteItems(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (itemIds: number[]) => {
      const failures: { id: number; error: unknown }[] = [];
      await mapLimited(itemIds, 4, async (id) => {
        try {
          await unwrap(
            api.DELETE('/api/v1/projects/{project_id}/items/{item_id}', {
              params: { path: { project_id: projectId, item_id: id } },
            }),
          );
        } catch (error) {
          failures.push({ id, error });
        }
      });
      if (failures.length) {
        const first = failures[0]?.error;
        const why = first instanceof Error ? first.message : String(first);
        throw new Error(`${failures.length} of ${itemIds.length} items could not be deleted: ${why}`);
      }
      return itemIds.length;
    },
    onSettled: () => refreshAfterItemChange(queryClient, projectId),
  });
}

/** Every id matching the filters (for "select all"), 500 per request. */
export async function fetchAllItemIds(projectId: number, query: ItemQuery, max = 10_000): Promise<number[]> {
  const ids: number[] = [];
  for (let offset = 0; offset < max; offset += 500) {
    const page = await fetchItems(projectId, query, offset, 500);
    ids.push(...page.items.map((item) => item.id));
    if (offset + 500 >= page.total) break;
  }
  return ids.slice(0, max);
}
