import type { z } from "zod";
import type { Principal } from "../../auth/policy.ts";
import type { SecretBox } from "../../auth/secrets.ts";
import type { AuditSink } from "../../core/access.ts";
import type { Db } from "../../db/database.ts";
import { now } from "../../db/database.ts";
import { badRequest } from "../errors.ts";
import {
	type Entry,
	isSecret,
	isSettingName,
	readSettings,
	settingNames,
	settingTable,
} from "./settings.ts";
import type { SettingsCache } from "./settings-cache.ts";
import { createSettingsStore } from "./store.ts";

type Item = { value: string | number | boolean; editable: boolean };
export type ConfigurationsResponse = Record<
	string,
	Item | (typeof settingTable)["scan_all_policy"]["default"]
>;

/** The rules of the `configure` tag: Harbor's ConfigurationsResponse, and validated, audited updates. */
export function createConfigurationsService(deps: {
	db: Db;
	box: SecretBox;
	settings: SettingsCache;
	audit: AuditSink;
}) {
	const store = createSettingsStore(deps.db);
	/** Harbor's rule: the way users sign in changes only while admin is the only user (the others would be stranded). */
	const authModeFixed = async () =>
		(await deps.db
			.selectFrom("users")
			.select("id")
			.where("username", "!=", "admin")
			.limit(1)
			.executeTakeFirst()) !== undefined;
	const mayChangeAuthMode = async () => {
		if (await authModeFixed())
			throw badRequest(
				"the auth mode cannot be modified as new users have been inserted into database",
			);
	};
	return {
		/**
		 * `{key: {value, editable}}` for every setting but the secrets (Harbor omits them); `scan_all_policy` as the object
		 * itself. As Harbor answers it, `auth_mode` is not editable once users other than admin exist (a PUT that switches it
		 * is refused then), so a console shows it as fixed rather than as a choice that fails.
		 */
		async get(): Promise<ConfigurationsResponse> {
			const settings = await readSettings(deps.db);
			const fixed = new Set<string>(
				(await authModeFixed()) ? ["auth_mode"] : [],
			);
			const out: ConfigurationsResponse = {};
			for (const name of settingNames) {
				if (isSecret(name)) continue;
				out[name] =
					name === "scan_all_policy"
						? settings.scan_all_policy
						: {
								value: settings[name] as Item["value"],
								editable: !fixed.has(name),
							};
			}
			return out;
		},

		/**
		 * Applies a flat `{key: value}` map: all keys valid or none written. A key Wharf does not know, or a value that would
		 * switch on what Wharf does not do yet, is refused rather than ignored. Secrets are sealed before they are stored.
		 */
		async update(actor: Principal, body: unknown): Promise<void> {
			if (typeof body !== "object" || body === null || Array.isArray(body))
				throw badRequest("the body must be a JSON object");
			const changes: Record<string, string> = {};
			for (const [key, value] of Object.entries(body)) {
				if (!isSettingName(key))
					throw badRequest(`${key}: not a Harbor setting`);
				const entry: Entry<z.ZodType> = settingTable[key];
				const r = entry.schema.safeParse(value);
				if (!r.success)
					throw badRequest(`${key}: ${r.error.issues[0].message}`);
				const why = entry.unsupported?.(r.data);
				if (why) throw badRequest(`${key}: ${why}`);
				const secret = isSecret(key) && r.data !== "";
				changes[key] = JSON.stringify(
					secret ? deps.box.seal(r.data as string) : r.data,
				);
			}
			if (Object.keys(changes).length === 0) return;
			const current = await readSettings(deps.db);
			const next: Record<string, unknown> = {
				...current,
				...Object.fromEntries(
					Object.keys(changes).map((k) => [k, JSON.parse(changes[k])]),
				),
			};
			for (const name of settingNames) {
				const entry: Entry<z.ZodType> = settingTable[name];
				const why = entry.consistent?.(next[name], next);
				if (why) throw badRequest(`${name}: ${why}`);
			}
			if (next.auth_mode !== current.auth_mode) await mayChangeAuthMode();
			await store.put(changes, now());
			deps.settings.invalidate();
			deps.audit.record({
				project: null,
				operator: actor.name,
				resource: Object.keys(changes).join(","),
				resourceType: "configuration",
				operation: "update",
			});
		},
	};
}
