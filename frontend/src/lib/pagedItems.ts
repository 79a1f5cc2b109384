import { useQueries, useQuery } from '@tanstack/react-query';
import type { Item } from './api';
import type { ItemQuery } from './itemFilters';
import { itemListQuery } from './itemApi';

export const PAGE_SIZE = 100;

/** The pages holding items `first`..`last` (grid indices, inclusive). */
export function pagesFor(first: number, last: number, pageSize = PAGE_SIZE): number[] {
  if (last < first) return [];
  const pages: number[] = [];
  for (let page = Math.floor(Math.max(0, first) / pageSize); page <= Math.floor(last / pageSize); page += 1) {
    pages.push(page);
  }
  return pages;
}

/** The first page: it also says how many items match. */
export function useItemTotal(projectId: number, query: ItemQuery) {
  return useQuery(itemListQuery(projectId, query, 0, PAGE_SIZE));
}

/** Items by grid index, fetching only the pages that are on screen (any order, any jump). */
export function useItemsInRange(projectId: number, query: ItemQuery, first: number, last: number) {
  const pages = pagesFor(first, last);
  const results = useQueries({
    queries: pages.map((page) => itemListQuery(projectId, query, page * PAGE_SIZE, PAGE_SIZE)),
  });
  const byPage = new Map<number, Item[]>();
  pages.forEach((page, i) => {
    const data = results[i]?.data;
    if (data) byPage.set(page, data.items);
  });
  return {
    itemAt: (index: number): Item | undefined => byPage.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    error: results.find((r) => r.isError)?.error ?? null,
    refetch: () => results.forEach((r) => void r.refetch()),
  };
}
