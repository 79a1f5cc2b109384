import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { queryKeys } from '../../lib/queryKeys';
import { postForm } from '../../lib/upload';
import type {
  BatchPredictRequest,
  ClassifyResponse,
  CropRequest,
  DetectResponse,
  KeywordsResponse,
  PredictKind,
} from './suggestionView';

/** Enough for one item's suggestions (a detector may leave dozens). */
const ITEM_LIMIT = 500;
/** The pending suggestions looked at to find the next item to review. */
const PENDING_WINDOW = 200;

/** The item's pending suggestions, best first. */
export function useItemSuggestions(projectId: number, itemId: number) {
  return useQuery({
    queryKey: queryKeys.itemSuggestions(projectId, itemId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/projects/{project_id}/suggestions', {
          params: { path: { project_id: projectId }, query: { item_id: itemId, status: 'pending', limit: ITEM_LIMIT } },
          signal,
        }),
      ),
  });
}

/** The project's pending suggestions, by item: how many there are and which items have them. */
export function usePendingSuggestions(projectId: number, enabled = true) {
  return useQuery({
    queryKey: queryKeys.pendingSuggestions(projectId),
    enabled,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/projects/{project_id}/suggestions', {
          params: { path: { project_id: projectId }, query: { status: 'pending', limit: PENDING_WINDOW } },
          signal,
        }),
      ),
  });
}

/** Accept (they become annotations on the server) or reject suggestions, all or nothing. */
export function useReviewSuggestions(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (review: { accept?: number[]; reject?: number[] }) =>
      unwrap(
        api.POST('/api/v1/projects/{project_id}/suggestions/review', {
          params: { path: { project_id: projectId } },
          body: { accept: review.accept ?? [], reject: review.reject ?? [] },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.suggestions(projectId) }),
  });
}

export interface PredictAnswers {
  classifier: ClassifyResponse;
  keywords: KeywordsResponse;
  detector: DetectResponse;
}

const PREDICT_ROUTE: Record<PredictKind, string> = { classifier: 'classify', keywords: 'keywords', detector: 'detect' };

/** Ask the deployed model of a kind about one item (multipart, as the route takes images too). */
export function predictItem<K extends PredictKind>(projectId: number, kind: K, itemId: number): Promise<PredictAnswers[K]> {
  const form = new FormData();
  form.append('item_id', String(itemId));
  if (kind === 'classifier') form.append('top_k', '5');
  if (kind === 'keywords') form.append('words_per_output', '1');
  return postForm<PredictAnswers[K]>(`/api/v1/projects/${projectId}/predict/${PREDICT_ROUTE[kind]}`, form);
}

/** Predict over the items matching filters in a job; its results become pending suggestions. */
/** Store every detection of the deployed detector as a new item (a job). */
export function useStartCrops(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CropRequest) =>
      unwrap(api.POST('/api/v1/projects/{project_id}/predict/crops', { params: { path: { project_id: projectId } }, body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.items(projectId) }),
  });
}

export function useStartBatchPredict(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BatchPredictRequest) =>
      unwrap(api.POST('/api/v1/projects/{project_id}/predict/batch', { params: { path: { project_id: projectId } }, body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.suggestions(projectId) }),
  });
}
