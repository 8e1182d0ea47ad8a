import {
	type ExpressionBuilder,
	type Kysely,
	sql,
	type Transaction,
} from "kysely";
import { chunks } from "../db/chunks.ts";
import type { Database } from "../db/schema.ts";

type ArtifactsEb = ExpressionBuilder<Database, "artifacts">;

/** cosign's tag convention for a signature of `sha256:<hex>`: the tag `sha256-<hex>.sig` in the same repository. */
export const cosignTagOf = (digest: string) =>
	`${digest.replace(":", "-")}.sig`;
const cosignTagPattern = "sha256-%.sig";

const one = sql<number>`1`.as("one");
export const tagged = (eb: ArtifactsEb) =>
	eb.exists(
		eb
			.selectFrom("tags")
			.select(one)
			.whereRef("tags.artifact_id", "=", "artifacts.id"),
	);

/**
 * Harbor's default artifact collection (no `base=*`): artifacts that are tagged or referenced by no index, minus
 * accessories (referrers, and cosign signatures found by their tag). The definition `artifacts.top_level` caches.
 */
export const isTopLevel = (eb: ArtifactsEb) =>
	eb.and([
		eb("artifacts.subject_digest", "is", null),
		eb.not(
			eb.exists(
				eb
					.selectFrom("tags")
					.select(one)
					.whereRef("tags.artifact_id", "=", "artifacts.id")
					.where("tags.name", "like", cosignTagPattern),
			),
		),
		eb.or([
			tagged(eb),
			eb.not(
				eb.exists(
					eb
						.selectFrom("artifact_references")
						.select(one)
						.whereRef("artifact_references.child_id", "=", "artifacts.id"),
				),
			),
		]),
	]);

/**
 * Recomputes `top_level` for artifacts whose tags, parents or subject just changed; called inside the transaction
 * that changed them, so the flag is never seen stale.
 */
export async function refreshTopLevel(
	tx: Kysely<Database> | Transaction<Database>,
	artifactIds: number[],
): Promise<void> {
	for (const ids of chunks(artifactIds)) {
		await tx
			.updateTable("artifacts")
			.set((eb) => ({
				top_level: eb
					.case()
					.when(isTopLevel(eb as unknown as ArtifactsEb))
					.then(1)
					.else(0)
					.end(),
			}))
			.where("id", "in", ids)
			.execute();
	}
}
