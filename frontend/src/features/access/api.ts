import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '../../client/schema';
import { api, unwrap } from '../../lib/api';
import { queryKeys } from '../../lib/queryKeys';
import type { Role } from '../../lib/roles';

export type Member = components['schemas']['MemberRead'];
export type User = components['schemas']['UserRead'];
export type ApiKey = components['schemas']['ApiKeyRead'];
export type ApiKeyCreated = components['schemas']['ApiKeyCreated'];

export function useMembers(projectId: number, enabled = true) {
  return useQuery({
    queryKey: queryKeys.members(projectId),
    enabled,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/projects/{project_id}/members', { params: { path: { project_id: projectId } }, signal })),
  });
}

export function useSetMember(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: number; role: Role }) =>
      unwrap(
        api.PUT('/api/v1/projects/{project_id}/members/{user_id}', {
          params: { path: { project_id: projectId, user_id: userId } },
          body: { role },
        }),
      ),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.members(projectId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      ]),
  });
}

export function useRemoveMember(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: number) =>
      unwrap(
        api.DELETE('/api/v1/projects/{project_id}/members/{user_id}', {
          params: { path: { project_id: projectId, user_id: userId } },
        }),
      ),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.members(projectId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      ]),
  });
}

/** Every account (superusers only). */
export function useUsers(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.users,
    enabled,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/users', { signal })),
  });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; password: string; is_admin: boolean }) => unwrap(api.POST('/api/v1/users', { body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.users }),
  });
}

export function useApiKeys(projectId: number, enabled = true) {
  return useQuery({
    queryKey: queryKeys.apiKeys(projectId),
    enabled,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/projects/{project_id}/api-keys', { params: { path: { project_id: projectId } }, signal })),
  });
}

export function useCreateApiKey(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; role: Role }) =>
      unwrap(api.POST('/api/v1/projects/{project_id}/api-keys', { params: { path: { project_id: projectId } }, body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys(projectId) }),
  });
}

export function useRevokeApiKey(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: number) =>
      unwrap(
        api.DELETE('/api/v1/projects/{project_id}/api-keys/{key_id}', {
          params: { path: { project_id: projectId, key_id: keyId } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys(projectId) }),
  });
}
