// Every server-state cache key in one place, so mutations in one feature can refresh another's.
import type { ItemQuery } from './itemFilters';

export const queryKeys = {
  health: ['health'] as const,
  projects: ['projects'] as const,
  project: (projectId: number) => ['projects', projectId] as const,
  /** Prefix of every item query of a project: lists, windows and single items. */
  items: (projectId: number) => ['items', projectId] as const,
  itemLists: (projectId: number) => ['items', projectId, 'list'] as const,
  itemList: (projectId: number, query: ItemQuery, offset: number, limit: number) =>
    ['items', projectId, 'list', query, offset, limit] as const,
  item: (projectId: number, itemId: number) => ['items', projectId, 'one', itemId] as const,
  labels: (projectId: number) => ['labels', projectId] as const,
  keywords: (projectId: number, prefix: string) => ['keywords', projectId, prefix] as const,
  identities: (projectId: number) => ['identities', projectId] as const,
  job: (jobId: string) => ['jobs', jobId] as const,
  me: ['me'] as const,
  users: ['users'] as const,
  members: (projectId: number) => ['members', projectId] as const,
  apiKeys: (projectId: number) => ['api-keys', projectId] as const,
  spaces: (projectId: number) => ['spaces', projectId] as const,
  trainingKinds: ['training-kinds'] as const,
  runs: (projectId: number) => ['runs', projectId] as const,
  run: (projectId: number, runId: number) => ['runs', projectId, runId] as const,
  models: (projectId: number) => ['models', projectId] as const,
  modelCompare: (projectId: number, ids: readonly number[]) => ['models', projectId, 'compare', ids] as const,
  /** Prefix of every suggestion query of a project. */
  suggestions: (projectId: number) => ['suggestions', projectId] as const,
  itemSuggestions: (projectId: number, itemId: number) => ['suggestions', projectId, 'item', itemId] as const,
  pendingSuggestions: (projectId: number) => ['suggestions', projectId, 'pending'] as const,
  /** Prefix of every positive-pair query of a project. */
  pairs: (projectId: number) => ['positive-pairs', projectId] as const,
  itemPairs: (projectId: number, itemId: number) => ['positive-pairs', projectId, 'item', itemId] as const,
  wordModels: (projectId: number) => ['word-models', projectId] as const,
  /** Prefix of every word query of a project (they follow the active word model). */
  words: (projectId: number) => ['words', projectId] as const,
  wordPrefix: (projectId: number, prefix: string) => ['words', projectId, 'prefix', prefix] as const,
  wordNeighbours: (projectId: number, word: string, k: number) => ['words', projectId, 'neighbours', word, k] as const,
};
