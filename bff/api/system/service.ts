import { readFileSync } from "node:fs";
import { statfs } from "node:fs/promises";
import path from "node:path";
import { sql } from "kysely";
import type { Config } from "../../config.ts";
import type { StorageDriver } from "../../core/storage/driver.ts";
import type { Db } from "../../db/database.ts";
import { installRoot } from "../../install-root.ts";
import type { Jobs } from "../../jobs/jobs.ts";
import { readSettings } from "../configurations/settings.ts";

const wharfVersion = (
	JSON.parse(readFileSync(path.join(installRoot, "package.json"), "utf8")) as {
		version: string;
	}
).version;
/**
 * Harbor's `v<release>-<build>` shape, so tools that parse it see the Harbor API release Wharf follows (2.13) and the
 * build names Wharf's own version.
 */
export const harborVersion = `v2.13.0-wharf-${wharfVersion}`;

// The OCI empty descriptor `{}`: a blob clients push anyway, so probing the storage with it leaves nothing foreign.
const probe = {
	digest:
		"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
	data: Buffer.from("{}"),
};
const checkTimeoutMs = 3000;

type Component = {
	name: string;
	status: "healthy" | "unhealthy";
	error?: string;
};

async function check(
	name: string,
	work: () => Promise<void>,
): Promise<Component> {
	let timer: NodeJS.Timeout | undefined;
	try {
		await Promise.race([
			work(),
			new Promise((_, reject) => {
				timer = setTimeout(
					() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)),
					checkTimeoutMs,
				);
			}),
		]);
		return { name, status: "healthy" };
	} catch (e) {
		return {
			name,
			status: "unhealthy",
			error: (e as Error).message || String(e),
		};
	} finally {
		clearTimeout(timer);
	}
}

/** systeminfo, volumes and health. */
export function createSystemService(deps: {
	db: Db;
	config: Config;
	storage: StorageDriver;
	jobs: Jobs;
	coreProbe?: () => Promise<void>;
}) {
	return {
		/** GeneralInfo; `origin` is how the caller reached us (used when no external URL is configured). */
		async info(signedIn: boolean, origin: { protocol: string; host: string }) {
			const s = await readSettings(deps.db);
			const publicPart = {
				auth_mode: s.auth_mode,
				primary_auth_mode: false,
				self_registration: s.self_registration,
				banner_message: s.banner_message,
				// The sign-in page's "Sign in with …" button names the provider, as Harbor's GeneralInfo does.
				...(s.auth_mode === "oidc_auth"
					? { oidc_provider_name: s.oidc_name }
					: {}),
			};
			if (!signedIn) return publicPart;
			const externalUrl =
				deps.config.externalUrl ?? `${origin.protocol}://${origin.host}`;
			return {
				...publicPart,
				current_time: new Date().toISOString(),
				external_url: externalUrl,
				registry_url: externalUrl.replace(/^[a-z]+:\/\//i, ""),
				project_creation_restriction: s.project_creation_restriction,
				has_ca_root: false,
				harbor_version: harborVersion,
				registry_storage_provider_name: deps.config.s3 ? "s3" : "filesystem",
				read_only: s.read_only,
				notification_enable: s.notification_enable,
			};
		},

		/**
		 * The disk holding the data folder. A bucket has no size and S3 says nothing of free space: then 0 and 0, as
		 * Harbor's storage driver answers a capacity it cannot know (its console shows the disk only for `filesystem`).
		 */
		async volumes() {
			if (deps.config.s3) return { storage: [{ total: 0, free: 0 }] };
			const fs = await statfs(deps.config.dataDir);
			return {
				storage: [{ total: fs.blocks * fs.bsize, free: fs.bavail * fs.bsize }],
			};
		},

		/**
		 * Asks each component for real, in Harbor's names and order: core (this process), database, jobservice (this
		 * process's worker pool and its queue), redis (when the jobs run there), registry (the registry core: in this
		 * process, or asked over 127.0.0.1 with the proxy transport), storage. Healthy only when every component is.
		 */
		async health() {
			const components: Component[] = [
				{ name: "core", status: "healthy" },
				...(await Promise.all([
					check("database", async () => {
						await sql`select 1`.execute(deps.db);
					}),
					check("jobservice", () => deps.jobs.check()),
					...(deps.jobs.backend === "redis"
						? [
								check("redis", async () => {
									await deps.jobs.ping?.();
								}),
							]
						: []),
					check("registry", async () => {
						await deps.coreProbe?.();
					}),
					check("storage", async () => {
						if (await deps.storage.stat(probe.digest)) return;
						await deps.storage.put(probe.digest, probe.data);
						if (!(await deps.storage.stat(probe.digest)))
							throw new Error("a blob written to the storage cannot be found");
					}),
				])),
			];
			return {
				status: components.every((c) => c.status === "healthy")
					? "healthy"
					: "unhealthy",
				components,
			};
		},
	};
}
