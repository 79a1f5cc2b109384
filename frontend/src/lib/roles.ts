// Roles on a project, least to most trusted; each includes the rights of those below it. The
// server's access policy (backend/mireru/access/policy.py) is the authority: these only decide
// which actions the screens offer, and a 403 is still shown in words.
import type { components } from '../client/schema';

export type Me = components['schemas']['Me'];
export type Role = components['schemas']['ProjectRole']['role'];

export const ROLES: readonly Role[] = ['viewer', 'annotator', 'trainer', 'admin'];

export const ROLE_WORDS: Record<Role, string> = {
  viewer: 'reads everything in the project',
  annotator: 'also uploads, annotates and imports',
  trainer: 'also trains, manages embedding spaces and deploys models',
  admin: 'also manages members and API keys, and deletes the project',
};

/** What the screens offer, and the least role that may do it (as the server's policy says). */
export const ACTION_ROLES = {
  view: 'viewer',
  annotate: 'annotator',
  upload: 'annotator',
  import: 'annotator',
  train: 'trainer',
  manageSpaces: 'trainer',
  deploy: 'trainer',
  deleteModel: 'trainer',
  manageMembers: 'admin',
  manageKeys: 'admin',
  editProject: 'admin',
  deleteProject: 'admin',
} as const satisfies Record<string, Role>;

export type Action = keyof typeof ACTION_ROLES;

export function roleRank(role: Role | null): number {
  return role === null ? 0 : ROLES.indexOf(role) + 1;
}

export function atLeast(role: Role | null, needed: Role): boolean {
  return roleRank(role) >= roleRank(needed);
}

export function can(role: Role | null, action: Action): boolean {
  return atLeast(role, ACTION_ROLES[action]);
}

/** The caller's role on a project: superusers (the open mode, the admin token, admin users) are
 * admins everywhere; others hold what `projects` lists, or nothing. */
export function roleOn(me: Me, projectId: number): Role | null {
  if (me.superuser) return 'admin';
  return me.projects?.find((p) => p.project_id === projectId)?.role ?? null;
}

/** Project creation is for signed-in people, not project-scoped API keys. */
export function canCreateProjects(me: Me): boolean {
  return me.kind !== 'api_key';
}

/** Who is signed in, in words for the header. */
export function describeMe(me: Me): string {
  switch (me.kind) {
    case 'open':
      return 'Single-user mode';
    case 'admin_token':
      return 'Admin token';
    case 'api_key':
      return `API key ${me.name.replace(/^key:/, '')}`;
    default:
      return me.superuser ? `${me.name} (administrator)` : me.name;
  }
}

/** Whether signing out means anything: the open mode has no session, a stored token is forgotten. */
export function canSignOut(me: Me): boolean {
  return me.kind !== 'open';
}
