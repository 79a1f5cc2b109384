import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '../../client/schema';
import { api, unwrap } from '../../lib/api';
import { queryKeys } from '../../lib/queryKeys';

export type ModelVersion = components['schemas']['ModelVersionRead'];
export type ModelComparison = components['schemas']['ModelComparison'];

/** Versions newest first; polled while a deployment re-embeds the project. */
export function useModels(projectId: number) {
  return useQuery({
    queryKey: queryKeys.models(projectId),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/projects/{project_id}/models', { params: { path: { project_id: projectId } }, signal })),
    refetchInterval: (query) => (query.state.data?.models.some((m) => m.deployment?.status === 'reembedding') ? 3000 : false),
  });
}

export function useModelComparison(projectId: number, ids: readonly number[]) {
  return useQuery({
    queryKey: queryKeys.modelCompare(projectId, ids),
    enabled: ids.length >= 2,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/projects/{project_id}/models/compare', {
          params: { path: { project_id: projectId }, query: { ids: [...ids] } },
          signal,
        }),
      ),
  });
}

function useModelAction(projectId: number, action: 'deploy' | 'rollback' | 'delete') {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (modelId: number) => {
      const path = { project_id: projectId, model_id: modelId };
      if (action === 'deploy') return unwrap(api.POST('/api/v1/projects/{project_id}/models/{model_id}/deploy', { params: { path } }));
      if (action === 'rollback') return unwrap(api.POST('/api/v1/projects/{project_id}/models/{model_id}/rollback', { params: { path } }));
      await unwrap(api.DELETE('/api/v1/projects/{project_id}/models/{model_id}', { params: { path } }));
      return null;
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.models(projectId) }),
        // Deploying an embedding version builds a new search space.
        queryClient.invalidateQueries({ queryKey: queryKeys.spaces(projectId) }),
      ]),
  });
}

export const useDeployModel = (projectId: number) => useModelAction(projectId, 'deploy');
export const useRollbackModel = (projectId: number) => useModelAction(projectId, 'rollback');
export const useDeleteModel = (projectId: number) => useModelAction(projectId, 'delete');
