import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { ItemQuery } from '../../lib/itemFilters';
import { fetchItems, refreshAfterItemChange } from '../../lib/itemApi';

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
