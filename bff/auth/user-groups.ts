import { type Db, now } from "../db/database.ts";
import { containsIgnoringCase } from "../db/sql-match.ts";
import { dnKey } from "./ldap.ts";

/** Harbor's group types. */
export const groupTypes = { ldap: 1, http: 2, oidc: 3 } as const;

export type UserGroupRow = {
	id: number;
	group_name: string;
	group_type: number;
	ldap_group_dn: string;
};

const columns = ["id", "group_name", "group_type", "ldap_group_dn"] as const;

/**
 * User groups (Harbor's user_group): SQL only. LDAP groups are one row per DN (matched in its normal form), the others
 * one row per name and type. Sign-ins add the groups they find (`populate`), as Harbor does.
 */
export function createUserGroupStore(db: Db) {
	const byDn = (dn: string) =>
		db
			.selectFrom("user_groups")
			.select(columns)
			.where("group_type", "=", groupTypes.ldap)
			.where("group_key", "=", dnKey(dn))
			.executeTakeFirst();
	const byName = (type: number, name: string) =>
		db
			.selectFrom("user_groups")
			.select(columns)
			.where("group_type", "=", type)
			.where("group_name", "=", name)
			.executeTakeFirst();
	const filtered = (f: {
		name?: string;
		dn?: string;
		fuzzyName?: string;
		type?: number;
	}) => {
		let q = db.selectFrom("user_groups");
		if (f.name !== undefined) q = q.where("group_name", "=", f.name);
		if (f.fuzzyName)
			q = q.where(containsIgnoringCase("group_name", f.fuzzyName));
		if (f.dn !== undefined)
			q = q
				.where("group_type", "=", groupTypes.ldap)
				.where("group_key", "=", dnKey(f.dn));
		if (f.type !== undefined) q = q.where("group_type", "=", f.type);
		return q;
	};
	const create = async (g: {
		group_name: string;
		group_type: number;
		ldap_group_dn: string;
	}): Promise<number> => {
		const t = now();
		const dn = g.group_type === groupTypes.ldap ? g.ldap_group_dn : "";
		const row = await db
			.insertInto("user_groups")
			.values({
				group_name: g.group_name,
				group_type: g.group_type,
				ldap_group_dn: dn,
				group_key: dn ? dnKey(dn) : g.group_name,
				creation_time: t,
				update_time: t,
			})
			.returning("id")
			.executeTakeFirstOrThrow();
		return row.id;
	};
	/** The ids of the groups these keys name, adding those not known yet (as Harbor does at sign-in). */
	const populate = async (
		keys: string[],
		find: (key: string) => Promise<{ id: number } | undefined>,
		make: (key: string) => Parameters<typeof create>[0],
	): Promise<number[]> => {
		const ids: number[] = [];
		for (const key of new Set(keys.filter(Boolean))) {
			const found = await find(key);
			if (found) {
				ids.push(found.id);
				continue;
			}
			try {
				ids.push(await create(make(key)));
			} catch (e) {
				// Another sign-in added it meanwhile.
				const again = await find(key);
				if (!again) throw e;
				ids.push(again.id);
			}
		}
		return ids;
	};
	return {
		byId: (id: number) =>
			db
				.selectFrom("user_groups")
				.select(columns)
				.where("id", "=", id)
				.executeTakeFirst(),
		byDn,
		byName,
		/** The group this one would duplicate: the same DN (LDAP), or the same name and type (others). */
		twin: (g: {
			group_type: number;
			group_name: string;
			ldap_group_dn: string;
		}) =>
			g.group_type === groupTypes.ldap
				? byDn(g.ldap_group_dn)
				: byName(g.group_type, g.group_name),
		async list(
			f: { name?: string; dn?: string; fuzzyName?: string; type?: number },
			limit: number,
			offset: number,
		) {
			const [rows, count] = await Promise.all([
				filtered(f)
					.select(columns)
					.orderBy("id")
					.limit(limit)
					.offset(offset)
					.execute(),
				filtered(f)
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},
		create,
		/** A new name; another type than LDAP is known by its name, so its key follows. */
		async rename(id: number, name: string) {
			const row = await db
				.selectFrom("user_groups")
				.select("group_type")
				.where("id", "=", id)
				.executeTakeFirst();
			const key =
				row && row.group_type !== groupTypes.ldap ? { group_key: name } : {};
			await db
				.updateTable("user_groups")
				.set({ group_name: name, ...key, update_time: now() })
				.where("id", "=", id)
				.execute();
		},
		/** Removes the group and its project memberships. */
		async remove(id: number) {
			await db.transaction().execute(async (tx) => {
				await tx
					.deleteFrom("members")
					.where("entity_type", "=", "g")
					.where("entity_id", "=", id)
					.execute();
				await tx.deleteFrom("user_groups").where("id", "=", id).execute();
			});
		},
		/** The ids of these LDAP groups, adding those not known yet (named by their DN until an admin renames them). */
		populateLdap: (dns: string[]) =>
			populate(
				dns.map((d) => d.trim()),
				byDn,
				(dn) => ({
					group_name: dn,
					group_type: groupTypes.ldap,
					ldap_group_dn: dn,
				}),
			),
		/** The ids of these OIDC groups (by name, from the groups claim), adding those not known yet. */
		populateOidc: (names: string[]) =>
			populate(
				names,
				(name) => byName(groupTypes.oidc, name),
				(name) => ({
					group_name: name,
					group_type: groupTypes.oidc,
					ldap_group_dn: "",
				}),
			),
	};
}

export type UserGroupStore = ReturnType<typeof createUserGroupStore>;
