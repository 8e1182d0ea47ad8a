import { Outlet } from "react-router";
import { useCurrentUser } from "../api/session.ts";
import { isSystemAdmin } from "../api/users.ts";
import NotFoundPage from "../pages/not-found-page.tsx";

/** Administration is for system admins; anyone else sees "not found", as for a page that is not there. */
export function AdminGuard() {
	const { data: user } = useCurrentUser();
	return isSystemAdmin(user) ? <Outlet /> : <NotFoundPage />;
}
