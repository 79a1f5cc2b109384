import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Project } from '../../lib/api';
import { ApiError } from '../../lib/errors';
import { queryKeys } from '../../lib/queryKeys';

export function useProjects() {
  return useQuery({
    queryKey: queryKeys.projects,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/projects', { params: { query: { limit: 500 } }, signal })),
  });
}

export function useProject(projectId: number) {
  return useQuery({
    queryKey: queryKeys.project(projectId),
    queryFn: ({ signal }) => {
      if (!Number.isFinite(projectId)) throw new ApiError(404, 'not_found', 'There is no such project.');
      return unwrap(api.GET('/api/v1/projects/{project_id}', { params: { path: { project_id: projectId } }, signal }));
    },
  });
}

export function useCreateProject() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; description: string }) => unwrap(api.POST('/api/v1/projects', { body })),
    onSuccess: (project: Project) => {
      queryClient.setQueryData(queryKeys.project(project.id), project);
      return queryClient.invalidateQueries({ queryKey: queryKeys.projects });
    },
  });
}

export function useDeleteProject() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (projectId: number) =>
      unwrap(api.DELETE('/api/v1/projects/{project_id}', { params: { path: { project_id: projectId } } })),
    onSuccess: (_: unknown, projectId: number) => {
      queryClient.removeQueries({ queryKey: queryKeys.items(projectId) });
      return queryClient.invalidateQueries({ queryKey: queryKeys.projects });
    },
  });
}
