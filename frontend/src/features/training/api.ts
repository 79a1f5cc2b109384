import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '../../client/schema';
import { api, unwrap } from '../../lib/api';
import { queryKeys } from '../../lib/queryKeys';
import type { Preflight } from './preflight';
import { isFinishedStatus } from './runEvents';

export type Kind = components['schemas']['KindRead'];
export type Preset = components['schemas']['PresetRead'];
export type RunCreate = components['schemas']['TrainingRunCreate'];
export type Run = components['schemas']['TrainingRunRead'];
export type RunDetail = components['schemas']['TrainingRunDetail'];

export function useTrainingKinds() {
  return useQuery({
    queryKey: queryKeys.trainingKinds,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/training/kinds', { signal })),
    staleTime: 5 * 60_000,
  });
}

/** Runs newest first; polled while one is queued or running. */
export function useRuns(projectId: number) {
  return useQuery({
    queryKey: queryKeys.runs(projectId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/projects/{project_id}/training-runs', {
          params: { path: { project_id: projectId }, query: { limit: 100 } },
          signal,
        }),
      ),
    refetchInterval: (query) => (query.state.data?.runs.some((r) => !isFinishedStatus(r.status)) ? 3000 : false),
  });
}

export function useRun(projectId: number, runId: number) {
  return useQuery({
    queryKey: queryKeys.run(projectId, runId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/projects/{project_id}/training-runs/{run_id}', {
          params: { path: { project_id: projectId, run_id: runId } },
          signal,
        }),
      ),
  });
}

export function useStartRun(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RunCreate) =>
      unwrap(api.POST('/api/v1/projects/{project_id}/training-runs', { params: { path: { project_id: projectId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.runs(projectId) }),
  });
}

/** The pre-flight check of a run body (null: nothing to check yet). The previous answer stays
 * while the next one loads, so the counts do not flicker as the form changes. */
export function usePreflight(projectId: number, body: RunCreate | null) {
  return useQuery({
    queryKey: ['training-preflight', projectId, body] as const,
    queryFn: ({ signal }): Promise<Preflight> =>
      unwrap(
        api.POST('/api/v1/projects/{project_id}/training-runs/preflight', {
          params: { path: { project_id: projectId } },
          body: body as RunCreate,
          signal,
        }),
      ),
    enabled: body !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

function useRunAction(projectId: number, action: 'cancel' | 'resume') {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (runId: number) =>
      unwrap(
        action === 'cancel'
          ? api.POST('/api/v1/projects/{project_id}/training-runs/{run_id}/cancel', {
              params: { path: { project_id: projectId, run_id: runId } },
            })
          : api.POST('/api/v1/projects/{project_id}/training-runs/{run_id}/resume', {
              params: { path: { project_id: projectId, run_id: runId } },
            }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.runs(projectId) }),
  });
}

export const useCancelRun = (projectId: number) => useRunAction(projectId, 'cancel');
export const useResumeRun = (projectId: number) => useRunAction(projectId, 'resume');
