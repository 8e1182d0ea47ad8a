import {
	generatePassword,
	hashPassword,
	passwordProblem,
} from "../../auth/passwords.ts";
import type { Principal, RobotPermission } from "../../auth/policy.ts";
import { grantable } from "../../auth/robot-grants.ts";
import type { AuditSink } from "../../core/access.ts";
import type { Db } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import type { SettingsCache } from "../configurations/settings-cache.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";
import type { SortKey } from "../harbor-query.ts";
import {
	createRobotStore,
	type RobotFilter,
	type RobotRecord,
} from "./store.ts";

const day = 86_400;
// Harbor's robot name rule.
const nameRule = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export type PermissionInput = {
	kind: string;
	namespace: string;
	access: { resource: string; action: string; effect?: string }[];
};

/** Harbor's Robot: never the secret. */
export const robotResp = (r: RobotRecord) => ({
	id: r.id,
	name: r.name,
	description: r.description,
	level: r.level,
	duration: r.duration,
	editable: true,
	disable: r.disabled === 1,
	expires_at: r.expires_at,
	permissions: (JSON.parse(r.permissions) as RobotPermission[]).map(
		({ kind, namespace, access }) => ({ kind, namespace, access }),
	),
	creator_type: r.creator_type,
	creator_ref: r.creator_ref,
	creation_time: r.creation_time,
	update_time: r.update_time,
});

const expiresAt = (creationTime: string, duration: number) =>
	duration === -1
		? -1
		: Math.floor(Date.parse(creationTime) / 1000) + duration * day;

/** -1 (never) or a number of days; 0 or absent means the configured `robot_token_duration`, as Harbor's console sends it. */
async function durationOf(
	settings: SettingsCache,
	d: number | undefined | null,
): Promise<number> {
	if (d === undefined || d === null || d === 0)
		return (await settings.get()).robot_token_duration;
	if (d === -1 || (Number.isInteger(d) && d > 0 && d <= 36_500)) return d;
	throw badRequest(
		"duration must be either -1 (never) or a positive number of days",
	);
}

/**
 * Checks the shape of a robot's permissions: Harbor's grantable resource and action pairs only; a project robot holds
 * exactly one project permission naming its project. Returns them normalized (as stored) with that project's name.
 */
export function normalizePermissions(
	level: string,
	input: PermissionInput[],
): { permissions: RobotPermission[]; project: string | null } {
	if (level !== "system" && level !== "project")
		throw badRequest("level must be system or project");
	const permissions = input.map((p): RobotPermission => {
		if (p.kind !== "system" && p.kind !== "project")
			throw badRequest(
				`permission kind must be system or project, not ${p.kind}`,
			);
		if (p.kind === "system" && p.namespace !== "/")
			throw badRequest("a system permission's namespace must be /");
		if (p.kind === "project" && !p.namespace)
			throw badRequest(
				"a project permission needs a namespace: a project name or *",
			);
		if (!p.access.length)
			throw badRequest(`the permission for ${p.namespace} grants no access`);
		const seen = new Set<string>();
		const access = p.access.flatMap((a) => {
			if (a.effect !== undefined && a.effect !== "allow")
				throw badRequest("only the allow effect is supported");
			if (!grantable(p.kind as RobotPermission["kind"], a.resource, a.action)) {
				throw badRequest(
					`${a.resource}:${a.action} cannot be granted at ${p.kind} level`,
				);
			}
			const k = `${a.resource}:${a.action}`;
			if (seen.has(k)) return [];
			seen.add(k);
			return [{ resource: a.resource, action: a.action }];
		});
		return { kind: p.kind, namespace: p.namespace, access };
	});
	if (level === "system") {
		if (!permissions.length)
			throw badRequest("a robot needs at least one permission");
		return { permissions, project: null };
	}
	const [only] = permissions;
	if (
		permissions.length !== 1 ||
		only.kind !== "project" ||
		only.namespace === "*"
	) {
		throw badRequest(
			"a project-level robot holds exactly one project permission, naming its project",
		);
	}
	return { permissions, project: only.namespace };
}

export type RobotCreation = {
	name: string;
	description?: string;
	secret?: string;
	level: string;
	disable?: boolean;
	duration?: number | null;
};

/** The rules of the `robot` tag; the router has already checked that the caller may grant what is asked. */
export function createRobotsService(deps: {
	db: Db;
	audit: AuditSink;
	settings: SettingsCache;
}) {
	const prefix = async () => (await deps.settings.get()).robot_name_prefix;
	const store = createRobotStore(deps.db);
	const audit = (
		actor: Principal,
		r: { name: string },
		project: string | null,
		operation: string,
	) =>
		deps.audit.record({
			project,
			operator: actor.name,
			resource: r.name,
			resourceType: "robot",
			operation,
		});
	const secretOf = (given: string | undefined) => {
		if (!given) return generatePassword();
		const weak = passwordProblem(given);
		if (weak) throw badRequest(weak.replace("password", "secret"));
		return given;
	};
	return {
		store,
		async list(f: RobotFilter, sort: SortKey[], limit: number, offset: number) {
			const { rows, total } = await store.list(f, sort, limit, offset);
			return { items: rows.map(robotResp), total };
		},
		async mustFind(id: number) {
			const r = await store.byId(id);
			if (!r) throw notFound(`robot ${id} not found`);
			return r;
		},

		/** Creates the robot; its secret is returned here once and only its hash is kept. */
		async create(
			actor: Principal,
			req: RobotCreation,
			permissions: RobotPermission[],
			project: { id: number; name: string } | null,
		) {
			if (!req.name || req.name.length > 255 || !nameRule.test(req.name)) {
				throw badRequest(
					'name must be lower-case letters and digits, optionally separated by ".", "_" or "-"',
				);
			}
			// The prefix of the day goes into the name: a later prefix change leaves this robot's name (and logins) as they are.
			const robotPrefix = await prefix();
			const name = project
				? `${robotPrefix}${project.name}+${req.name}`
				: `${robotPrefix}${req.name}`;
			const conflict = () =>
				new ApiError("CONFLICT", `a robot named ${name} already exists`);
			if (await store.nameTaken(name)) throw conflict();
			const secret = secretOf(req.secret);
			const duration = await durationOf(deps.settings, req.duration);
			const creationTime = new Date().toISOString();
			try {
				const row = await store.insert({
					name,
					description: req.description ?? "",
					secret_hash: await hashPassword(secret),
					level: req.level,
					project_id: project?.id ?? null,
					duration,
					expires_at: expiresAt(creationTime, duration),
					disabled: req.disable ? 1 : 0,
					permissions: JSON.stringify(permissions),
					creator_type: actor.kind === "robot" ? "robot" : "local",
					creator_ref: actor.kind === "anonymous" ? 0 : actor.id,
				});
				audit(actor, { name }, project?.name ?? null, "create");
				return {
					id: row.id,
					name,
					secret,
					creation_time: row.creation_time,
					expires_at: expiresAt(row.creation_time, duration),
				};
			} catch (e) {
				if (isUniqueViolation(e)) throw conflict();
				throw e;
			}
		},

		async update(
			actor: Principal,
			robot: RobotRecord,
			req: {
				name?: string;
				level?: string;
				description?: string;
				disable?: boolean;
				duration?: number | null;
			},
			permissions: RobotPermission[] | undefined,
			projectName: string | null,
		) {
			if (
				req.name !== undefined &&
				req.name !== robot.name &&
				`${await prefix()}${req.name}` !== robot.name
			)
				throw badRequest("the name of a robot cannot change");
			if (req.level !== undefined && req.level !== robot.level)
				throw badRequest("the level of a robot cannot change");
			const duration =
				req.duration === undefined
					? robot.duration
					: await durationOf(deps.settings, req.duration);
			await store.update(robot.id, {
				// PUT replaces, as Harbor's: Go clients leave out an empty description and a false `disable` (omitempty).
				description: req.description ?? "",
				disabled: req.disable ? 1 : 0,
				duration,
				expires_at:
					duration === robot.duration
						? robot.expires_at
						: expiresAt(robot.creation_time, duration),
				...(permissions ? { permissions: JSON.stringify(permissions) } : {}),
			});
			audit(
				actor,
				robot,
				projectName,
				req.disable === true && robot.disabled === 0 ? "disable" : "update",
			);
		},

		/** A new secret (the given one, or generated): the old one stops working at once. */
		async refreshSecret(
			actor: Principal,
			robot: RobotRecord,
			given: string | undefined,
			projectName: string | null,
		) {
			const secret = secretOf(given);
			await store.update(robot.id, { secret_hash: await hashPassword(secret) });
			audit(actor, robot, projectName, "update");
			return secret;
		},

		async remove(
			actor: Principal,
			robot: RobotRecord,
			projectName: string | null,
		) {
			await store.remove(robot.id);
			audit(actor, robot, projectName, "delete");
		},
	};
}
