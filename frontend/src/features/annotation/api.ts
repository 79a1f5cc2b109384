import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, unwrap, type Item } from '../../lib/api';
import { toItemQuery, type ItemFilters } from '../../lib/itemFilters';
import { queryKeys } from '../../lib/queryKeys';
import { itemListQuery } from '../../lib/itemApi';
import { toPut, type Annotations } from '../../lib/annotationState';
import { locate, windowFor, type Place } from './neighbours';

/** Replace the item's annotations; the answer refreshes its cache, lists and vocabularies go stale. */
export async function saveAnnotations(
  queryClient: QueryClient,
  projectId: number,
  itemId: number,
  annotations: Annotations,
): Promise<void> {
  const item = await unwrap(
    api.PUT('/api/v1/projects/{project_id}/items/{item_id}/annotations', {
      params: { path: { project_id: projectId, item_id: itemId } },
      body: toPut(annotations),
    }),
  );
  queryClient.setQueryData(queryKeys.item(projectId, itemId), item);
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: queryKeys.itemLists(projectId) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.labels(projectId) }),
    queryClient.invalidateQueries({ queryKey: ['keywords', projectId] }),
    queryClient.invalidateQueries({ queryKey: queryKeys.identities(projectId) }),
  ]);
}

/** The items before and after this one in the list it was opened from (index `index`). */
export function useNeighbours(projectId: number, filters: ItemFilters, index: number | null, itemId: number) {
  const queryClient = useQueryClient();
  const { offset, limit } = windowFor(index ?? 0);
  const window = useQuery({ ...itemListQuery(projectId, toItemQuery(filters), offset, limit), enabled: index !== null });
  // Seed the neighbours' caches so that stepping to them shows them at once.
  useEffect(() => {
    for (const item of window.data?.items ?? []) {
      if (!queryClient.getQueryData<Item>(queryKeys.item(projectId, item.id))) {
        queryClient.setQueryData(queryKeys.item(projectId, item.id), item);
      }
    }
  }, [window.data, queryClient, projectId]);
  const place: Place | null =
    index !== null && window.data ? locate(window.data.items.map((i) => i.id), offset, itemId, index) : null;
  return { place, total: window.data?.total ?? null };
}
