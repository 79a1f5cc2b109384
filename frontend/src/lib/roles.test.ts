import { describe, expect, it } from 'vitest';
import { atLeast, can, canCreateProjects, canSignOut, describeMe, roleOn, type Me } from './roles';

const user = (projects: Me['projects'], superuser = false): Me => ({ kind: 'user', name: 'ana', user_id: 3, superuser, projects });

describe('roles', () => {
  it('orders roles so that each includes the ones below it', () => {
    expect(atLeast('trainer', 'annotator')).toBe(true);
    expect(atLeast('annotator', 'trainer')).toBe(false);
    expect(atLeast('admin', 'admin')).toBe(true);
    expect(atLeast(null, 'viewer')).toBe(false);
  });

  it('gates actions by the policy’s least role', () => {
    expect(can('viewer', 'view')).toBe(true);
    expect(can('viewer', 'annotate')).toBe(false);
    expect(can('annotator', 'upload')).toBe(true);
    expect(can('annotator', 'train')).toBe(false);
    expect(can('trainer', 'deploy')).toBe(true);
    expect(can('trainer', 'manageMembers')).toBe(false);
    expect(can('admin', 'manageKeys')).toBe(true);
    expect(can(null, 'view')).toBe(false);
  });

  it('reads the role on a project from /auth/me', () => {
    const me = user([{ project_id: 1, role: 'annotator' }, { project_id: 2, role: 'admin' }]);
    expect(roleOn(me, 1)).toBe('annotator');
    expect(roleOn(me, 2)).toBe('admin');
    expect(roleOn(me, 3)).toBeNull();
    expect(roleOn(user(null, true), 99)).toBe('admin');
    expect(roleOn({ kind: 'open', name: 'local user', user_id: null, superuser: true, projects: null }, 5)).toBe('admin');
  });

  it('says who is signed in and what they may do', () => {
    const key: Me = { kind: 'api_key', name: 'key:ci', user_id: null, superuser: false, projects: [{ project_id: 4, role: 'viewer' }] };
    expect(describeMe(key)).toBe('API key ci');
    expect(canCreateProjects(key)).toBe(false);
    expect(describeMe(user([], true))).toBe('ana (administrator)');
    expect(canCreateProjects(user([]))).toBe(true);
    const open: Me = { kind: 'open', name: 'local user', user_id: null, superuser: true, projects: null };
    expect(canSignOut(open)).toBe(false);
    expect(describeMe(open)).toBe('Single-user mode');
  });
});
