import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '../../client/schema';
import { api, unwrap } from '../../lib/api';
import { queryKeys } from '../../lib/queryKeys';

export type ModelVersion = components['schemas']['ModelVersionRead'];
export type ModelComparison = components['schemas']['ModelComparison'];
export type DeployGate = components['schemas']['DeployGate'];

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

/**
 * What deploying a version would find (the deploy gate), without deploying: both sides scored on
 * the same held-out items. Never cached: what is deployed, and the items, change between clicks.
 */
export function useDeployCheck(projectId: number, modelId: number | null) {
  return useQuery({
    // Under the models key: a deploy or rollback, which invalidates it, changes the answer.
    queryKey: [...queryKeys.models(projectId), 'deploy-check', modelId] as const,
    enabled: modelId !== null,
    staleTime: 0,
    gcTime: 0,
    retry: false,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/projects/{project_id}/models/{model_id}/deploy-check', {
          params: { path: { project_id: projectId, model_id: modelId ?? 0 } },
          signal,
        }),
      ),
  });
}

function useInvalidateModels(projectId: number) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.models(projectId) }),
      // Deploying an embedding version builds a new search space.
      queryClient.invalidateQueries({ queryKey: queryKeys.spaces(projectId) }),
    ]);
}

/** Deploy a version; `force` replaces what the slot serves even when the version scores worse. */
export function useDeployModel(projectId: number) {
  const invalidate = useInvalidateModels(projectId);
  return useMutation({
    mutationFn: ({ modelId, force }: { modelId: number; force: boolean }) =>
      unwrap(
        api.POST('/api/v1/projects/{project_id}/models/{model_id}/deploy', {
          params: { path: { project_id: projectId, model_id: modelId } },
          body: { force },
        }),
      ),
    onSettled: invalidate,
  });
}

function useModelAction(projectId: number, action: 'rollback' | 'delete') {
  const invalidate = useInvalidateModels(projectId);
  return useMutation({
    mutationFn: async (modelId: number) => {
      const path = { project_id: projectId, model_id: modelId };
      if (action === 'rollback') return unwrap(api.POST('/api/v1/projects/{project_id}/models/{model_id}/rollback', { params: { path } }));
      await unwrap(api.DELETE('/api/v1/projects/{project_id}/models/{model_id}', { params: { path } }));
      return null;
    },
    onSettled: invalidate,
  });
}

export const useRollbackModel = (projectId: number) => useModelAction(projectId, 'rollback');
export const useDeleteModel = (projectId: number) => useModelAction(projectId, 'delete');
