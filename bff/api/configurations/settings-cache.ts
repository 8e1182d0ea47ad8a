import type { Db } from "../../db/database.ts";
import { readSettings, type Settings } from "./settings.ts";

/**
 * The settings as the request paths use them (session lifetime, token lifetime, robot prefix, audit filters): read once
 * per `ttlMs`, not per request. A PUT on this replica drops the copy at once; other replicas see it within `ttlMs`.
 */
export function createSettingsCache(db: Db, ttlMs = 5_000) {
	let copy: { at: number; settings: Promise<Settings> } | null = null;
	return {
		get(): Promise<Settings> {
			if (!copy || Date.now() - copy.at > ttlMs) {
				const settings = readSettings(db);
				const current = { at: Date.now(), settings };
				copy = current;
				// A failed read is not kept: the next call tries again.
				settings.catch(() => {
					if (copy === current) copy = null;
				});
			}
			return copy.settings;
		},
		invalidate() {
			copy = null;
		},
	};
}

export type SettingsCache = ReturnType<typeof createSettingsCache>;
