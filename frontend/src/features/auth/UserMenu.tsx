import { useNavigate } from 'react-router';
import { describeError } from '../../lib/errors';
import { canSignOut, describeMe } from '../../lib/roles';
import { useMe, useSignOut } from './api';

/** Who is signed in, and the way out. */
export function UserMenu() {
  const me = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();
  if (!me.data) return null;
  const who = describeMe(me.data);
  return (
    <div className="user-menu">
      <span className="user-name" title={me.data.kind === 'open' ? 'No administrator exists yet: everyone here may do everything.' : `Signed in: ${who}`}>
        <span className="visually-hidden">{me.data.kind === 'open' ? 'Access: ' : 'Signed in as '}</span>
        {who}
      </span>
      {canSignOut(me.data) ? (
        <button
          type="button"
          className="button small"
          disabled={signOut.isPending}
          onClick={() => signOut.mutate(me.data, { onSuccess: () => navigate('/sign-in') })}
        >
          Sign out
        </button>
      ) : null}
      {signOut.isError ? (
        <span role="alert" className="small danger-text">
          Could not sign out: {describeError(signOut.error)}
        </span>
      ) : null}
    </div>
  );
}
