import type { WriteGuard } from "../../core/access.ts";
import { RegistryError } from "../../core/errors.ts";
import type { Db } from "../../db/database.ts";
import { readSetting } from "../configurations/settings.ts";
import { formatStorage } from "./storage-size.ts";
import { createQuotaStore, unlimited } from "./store.ts";

/**
 * Project storage quotas, enforced before bytes are written: an upload reserves what it is about to write, a manifest
 * or a mount adds the blobs the project does not count yet (each blob once per project). Called inside the
 * transaction that records the addition, the check locks the project's quota first, so pushes racing for the last
 * bytes are decided one after the other: exactly those that fit are accepted.
 */
export function createQuotaGuard(
	db: Db,
	onExceeded?: (projectId: number, message: string) => void,
): Pick<WriteGuard, "beforeAdd"> {
	const quotas = createQuotaStore(db);
	return {
		async beforeAdd(projectId, add, tx) {
			const blobs = [
				...new Map((add.blobs ?? []).map((b) => [b.digest, b.size])).entries(),
			];
			const bytes = add.bytes ?? 0;
			if (blobs.length === 0 && bytes <= 0) return;
			const q = tx ?? db;
			// Unlimited projects take no lock: their pushes never wait on each other.
			const limit = await quotas.hardLimit(projectId, q);
			if (
				limit === unlimited ||
				!(await readSetting(q, "quota_per_project_enable"))
			)
				return;
			const hard = tx ? await quotas.lock(tx, projectId) : limit;
			if (hard === unlimited) return;
			const counted = blobs.length
				? await quotas.counted(
						projectId,
						blobs.map(([digest]) => digest),
						q,
					)
				: new Set<string>();
			const size =
				bytes +
				blobs
					.filter(([digest]) => !counted.has(digest))
					.reduce((sum, [, n]) => sum + n, 0);
			if (size <= 0) return;
			const used = await quotas.used(projectId, q);
			if (used + size <= hard) return;
			const message =
				`adding ${formatStorage(size)} of storage resource, which when updated to current usage of ` +
				`${formatStorage(used)} will exceed the configured upper limit of ${formatStorage(hard)}.`;
			// QUOTA_EXCEED webhooks: an emit only, handled after the push is refused (not for a step reserved ahead of need)
			if (!add.ahead) onExceeded?.(projectId, message);
			throw new RegistryError("DENIED", message);
		},
	};
}
