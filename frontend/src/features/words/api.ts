import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { queryKeys } from '../../lib/queryKeys';
import { postForm, type UploadOptions } from '../../lib/upload';
import { isBuildingWordModel, type WordModel } from './wordView';

/** The project's word models and which is active; polled while one is being built. */
export function useWordModels(projectId: number) {
  return useQuery({
    queryKey: queryKeys.wordModels(projectId),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/projects/{project_id}/word-models', { params: { path: { project_id: projectId } }, signal })),
    refetchInterval: (query) => (query.state.data?.models.some(isBuildingWordModel) ? 1500 : false),
  });
}

/** Word models change what word queries answer. */
function refreshWords(queryClient: QueryClient, projectId: number): Promise<unknown> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: queryKeys.wordModels(projectId) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.words(projectId) }),
    queryClient.invalidateQueries({ queryKey: ['search', projectId] }),
  ]);
}

export function useTrainWordModel(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (form: FormData) => postForm<WordModel>(`/api/v1/projects/${projectId}/word-models`, form),
    onSettled: () => refreshWords(queryClient, projectId),
  });
}

export function useImportWordModel(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ form, options }: { form: FormData; options?: UploadOptions }) =>
      postForm<WordModel>(`/api/v1/projects/${projectId}/word-models/import`, form, options),
    onSettled: () => refreshWords(queryClient, projectId),
  });
}

export function useActivateWordModel(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (wordModelId: number) =>
      unwrap(
        api.POST('/api/v1/projects/{project_id}/word-models/{word_model_id}/activate', {
          params: { path: { project_id: projectId, word_model_id: wordModelId } },
        }),
      ),
    onSettled: () => refreshWords(queryClient, projectId),
  });
}

export function useDeleteWordModel(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (wordModelId: number) =>
      unwrap(
        api.DELETE('/api/v1/projects/{project_id}/word-models/{word_model_id}', {
          params: { path: { project_id: projectId, word_model_id: wordModelId } },
        }),
      ),
    onSettled: () => refreshWords(queryClient, projectId),
  });
}

/** The words nearest to a word or phrase in the active word model. */
export function useWordNeighbours(projectId: number, word: string, k: number) {
  return useQuery({
    queryKey: queryKeys.wordNeighbours(projectId, word, k),
    enabled: word.trim() !== '',
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/projects/{project_id}/words/{word}/neighbours', {
          params: { path: { project_id: projectId, word: word.trim() }, query: { k } },
          signal,
        }),
      ),
  });
}

/** Words of the active word model starting with `prefix`, for keyword autocomplete. Asked only
 * when the project has an active word model, and quiet when it has none after all. */
export function useWordPrefix(projectId: number, prefix: string) {
  const models = useWordModels(projectId);
  const active = models.data?.active_word_model_id ?? null;
  return useQuery({
    queryKey: queryKeys.wordPrefix(projectId, prefix),
    enabled: active !== null && prefix !== '',
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/projects/{project_id}/words', {
          params: { path: { project_id: projectId }, query: { prefix, limit: 10 } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
}
