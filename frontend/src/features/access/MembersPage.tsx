import { useProjectId } from '../../app/params';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { useAccess } from '../auth/api';
import { ApiKeysSection } from './ApiKeysSection';
import { MembersSection } from './MembersSection';
import { UsersSection } from './UsersSection';
import './access.css';

/** Project admins: members and API keys; superusers also see the accounts. */
export function MembersPage() {
  const projectId = useProjectId();
  const access = useAccess(projectId);
  if (!access.me) return <Loading label="Checking your role…" />;
  if (!access.can('manageMembers')) {
    return (
      <div className="page access-page">
        <ErrorMessage error={`Members and API keys are managed by the project's admins; your role here is ${access.role ?? 'none'}.`} />
      </div>
    );
  }
  const open = access.me.kind === 'open';
  return (
    <div className="page access-page">
      {open ? null : <MembersSection projectId={projectId} me={access.me} />}
      <ApiKeysSection projectId={projectId} />
      {access.me.superuser ? <UsersSection me={access.me} /> : null}
    </div>
  );
}
