import { Navigate, Outlet, useLocation } from "react-router";
import { useCurrentUser } from "../api/session.ts";
import { paths } from "./paths.ts";
import { sessionEnded } from "./session-ended.ts";
import { ShellSkeleton } from "./shell-skeleton.tsx";

/**
 * Pages behind sign-in: without a session, go to sign-in and come back here after. When a request found the session
 * gone, sign-in is told (router state `expired`) so it can say why.
 */
export function AuthGuard() {
	const { data: user, isPending } = useCurrentUser();
	const location = useLocation();
	if (isPending) return <ShellSkeleton />;
	if (!user) {
		return (
			<Navigate
				to={paths.signIn.href(location.pathname + location.search)}
				replace
				state={sessionEnded() ? { expired: true } : undefined}
			/>
		);
	}
	return <Outlet />;
}
