import { Navigate, Outlet, useLocation } from 'react-router';
import { useCurrentUser } from '../api/session.ts';
import { paths } from './paths.ts';

/** Pages behind sign-in: without a session, go to sign-in and come back here after. */
export function AuthGuard() {
  const { data: user, isPending } = useCurrentUser();
  const location = useLocation();
  if (isPending) return null;
  if (!user) return <Navigate to={paths.signIn.href(location.pathname + location.search)} replace />;
  return <Outlet />;
}
