import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { ApiError } from '../../lib/errors';
import { queryKeys } from '../../lib/queryKeys';
import { can, roleOn, type Action, type Me, type Role } from '../../lib/roles';
import { getToken, setToken } from '../../lib/token';

/** Who the server takes this browser for: the open single-user mode, a signed-in user (the
 * session cookie), or the API token saved in Settings. A 401 means: sign in. */
export function useMe() {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/auth/me', { signal })),
    staleTime: 60_000,
  });
}

export const needsSignIn = (error: unknown) => error instanceof ApiError && error.status === 401;

export interface Access {
  me: Me | null;
  role: Role | null;
  can: (action: Action) => boolean;
}

/** The caller's role on a project and what it allows. While /auth/me is unknown, or on a server
 * without it, nothing is hidden: the server still refuses what is not allowed, in words. */
export function useAccess(projectId: number): Access {
  const me = useMe();
  if (!me.data) return { me: null, role: null, can: () => !me.isPending };
  const role = roleOn(me.data, projectId);
  return { me: me.data, role, can: (action) => can(role, action) };
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; password: string }) => unwrap(api.POST('/api/v1/auth/login', { body })),
    onSuccess: () => {
      // The session cookie is the credential from now on; a saved token would take precedence.
      setToken(null);
      return queryClient.resetQueries();
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (me: Me) => {
      if (me.kind === 'user') {
        try {
          await unwrap(api.POST('/api/v1/auth/logout'));
        } catch (error) {
          // An expired session is signed out already.
          if (!(error instanceof ApiError && error.status === 401)) throw error;
        }
      }
      if (getToken()) setToken(null);
    },
    onSuccess: () => queryClient.clear(),
  });
}
