import { useQuery } from "@tanstack/react-query";
import {
	type CreationRestriction,
	type SystemInfo,
	systemInfoQuery,
} from "./system-info.ts";

export type { CreationRestriction };

/** Who may create projects, read from the one systeminfo query (given to every signed-in user); absent: admins only. */
export const creationRestrictionOf = (info: SystemInfo): CreationRestriction =>
	info.project_creation_restriction ?? "adminonly";

export const useCreationRestriction = () =>
	useQuery({ ...systemInfoQuery, select: creationRestrictionOf });
