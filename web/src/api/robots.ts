import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, harborQ, match, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery, type PageParams, pageQuery } from "./list-placeholder.ts";
import type { Permission } from "./permissions.ts";
import { z } from "./zod.ts";

/** One grant: a resource and an action on it (Harbor's Access, the same shape as a user's permission). */
export type RobotAccess = Permission;

/** Harbor's RobotPermission: `system` (namespace `/`) or `project` (a project's name, or `*` for all projects). */
export type RobotPermission = {
	kind: "system" | "project";
	namespace: string;
	access: RobotAccess[];
};

/** Harbor's Robot (never with its secret). `expires_at` is in unix seconds, -1 for never. */
export type Robot = {
	id: number;
	name: string;
	description: string;
	level: "system" | "project";
	duration: number;
	editable: boolean;
	disable: boolean;
	expires_at: number;
	permissions: RobotPermission[];
	creation_time: string;
	update_time: string;
};

/** Harbor's RobotCreated: the only answer that carries the secret. */
export type RobotCreated = {
	id: number;
	name: string;
	secret: string;
	creation_time: string;
	expires_at: number;
};

/** What a robot may be granted, as the server lists it (`GET /permissions`). */
export type Grantable = { system: RobotAccess[]; project: RobotAccess[] };

export type RobotListParams = PageParams & {
	level: "system" | "project";
	projectId?: number;
	name?: string;
};

export const robotKeys = {
	lists: ["robots", "list"] as const,
	list: (p: RobotListParams) => ["robots", "list", p] as const,
	grantable: ["robots", "grantable"] as const,
};

/** Harbor's `q`: the console's own `Level`/`ProjectID` keys, and a fuzzy name. */
const robotQuery = (p: RobotListParams) =>
	harborQ({
		Level: p.level,
		ProjectID: p.projectId,
		name: match.fuzzy(p.name),
	});

export const getRobots = (p: RobotListParams) =>
	api.page<Robot>(
		`/api/v2.0/robots${query({ q: robotQuery(p), ...pageQuery(p) })}`,
	);

/** The level and project are the list's scope: another project's robots never stand in for this one's. */
export const robotsQuery = (p: RobotListParams) =>
	listQuery(robotKeys.list(p), () => getRobots(p), ["name"]);

export const useRobots = (p: RobotListParams, enabled = true) =>
	useQuery({ ...robotsQuery(p), enabled });

export const getGrantable = () => api.get<Grantable>("/api/v2.0/permissions");

export const grantableQuery = queryOptions({
	queryKey: robotKeys.grantable,
	queryFn: getGrantable,
	staleTime: 5 * 60_000,
});

export const useGrantable = (enabled = true) =>
	useQuery({ ...grantableQuery, enabled });

/** Harbor's robot name rule, as an input hint: the server decides. */
export const robotNamePattern = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export const robotInput = z.object({
	name: z.string().regex(robotNamePattern),
	description: z.string().max(1024),
	level: z.enum(["system", "project"]),
	/** Days, or -1 for never; left out, the server's configured `robot_token_duration` applies. */
	duration: z
		.number()
		.int()
		.refine((d) => d === -1 || d > 0)
		.optional(),
	disable: z.boolean(),
	permissions: z
		.array(
			z.object({
				kind: z.enum(["system", "project"]),
				namespace: z.string().min(1),
				access: z
					.array(z.object({ resource: z.string(), action: z.string() }))
					.min(1),
			}),
		)
		.min(1),
});
export type RobotInput = z.infer<typeof robotInput>;

export const createRobot = (input: RobotInput) =>
	api.send<RobotCreated>("POST", "/api/v2.0/robots", robotInput.parse(input));

/** What an edit may change: the name and level are fixed once created (the stored name carries its `robot$` prefix). */
export const robotChanges = robotInput
	.pick({ description: true, duration: true, disable: true, permissions: true })
	.partial();
export type RobotChanges = z.infer<typeof robotChanges>;

/** Harbor's PUT takes the whole robot; the name and level cannot change. */
export const updateRobot = (robot: Robot, changes: RobotChanges) =>
	api.send("PUT", `/api/v2.0/robots/${robot.id}`, {
		id: robot.id,
		name: robot.name,
		level: robot.level,
		description: robot.description,
		duration: robot.duration,
		disable: robot.disable,
		permissions: robot.permissions,
		...robotChanges.parse(changes),
	});

/** A new secret: the server generates one when none is given. The old secret stops working at once. */
export const refreshRobotSecret = (id: number, secret?: string) =>
	api.send<{ secret: string }>(
		"PATCH",
		`/api/v2.0/robots/${id}`,
		secret ? { secret } : {},
	);

export const deleteRobot = (id: number) =>
	api.send("DELETE", `/api/v2.0/robots/${id}`);

/** Every robot mutation changes robot lists only. */
const useRobotMutation = <V, R>(fn: (v: V) => Promise<R>) =>
	useInvalidatingMutation(fn, [robotKeys.lists]);

export const useCreateRobot = () => useRobotMutation(createRobot);
export const useUpdateRobot = () =>
	useRobotMutation(
		(v: { robot: Robot; changes: Parameters<typeof updateRobot>[1] }) =>
			updateRobot(v.robot, v.changes),
	);
export const useRefreshRobotSecret = () =>
	useRobotMutation((v: { id: number; secret?: string }) =>
		refreshRobotSecret(v.id, v.secret),
	);
export const useDeleteRobot = () => useRobotMutation(deleteRobot);
