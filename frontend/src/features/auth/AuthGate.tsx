import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Loading } from '../../components/Loading';
import { needsSignIn, useMe } from './api';
import { signInHref } from './safeNext';

/** Everything but the sign-in page: sends the browser there whenever the server answers 401
 * (any screen's 401 refreshes /auth/me, see app/queryClient.ts). Other errors of /auth/me (an
 * older server, a network hiccup) let the screens show their own. */
export function AuthGate({ children }: { children: ReactNode }) {
  const me = useMe();
  const { pathname, search } = useLocation();
  if (me.isPending) return <Loading label="Checking who you are…" />;
  if (me.isError && needsSignIn(me.error)) return <Navigate to={signInHref(pathname, search)} replace />;
  return children;
}
