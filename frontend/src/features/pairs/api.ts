import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { queryKeys } from '../../lib/queryKeys';

/** Enough for one item's pairs; an item paired with more is rare and the panel says how many. */
const ITEM_LIMIT = 200;

/** The explicit positive pairs an item is part of. */
export function useItemPairs(projectId: number, itemId: number) {
  return useQuery({
    queryKey: queryKeys.itemPairs(projectId, itemId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/projects/{project_id}/positive-pairs', {
          params: { path: { project_id: projectId }, query: { item_id: itemId, limit: ITEM_LIMIT } },
          signal,
        }),
      ),
  });
}

/** Say that each of `others` shows the same person or object as `itemId`. */
export function useAddPairs(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ itemId, others }: { itemId: number; others: readonly number[] }) =>
      unwrap(
        api.POST('/api/v1/projects/{project_id}/positive-pairs', {
          params: { path: { project_id: projectId } },
          body: { pairs: others.filter((o) => o !== itemId).map((o) => ({ a: itemId, b: o })) },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.pairs(projectId) }),
  });
}

export function useRemovePair(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (pairId: number) =>
      unwrap(
        api.DELETE('/api/v1/projects/{project_id}/positive-pairs/{pair_id}', {
          params: { path: { project_id: projectId, pair_id: pairId } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.pairs(projectId) }),
  });
}
