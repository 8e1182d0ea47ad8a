import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import {
	type Artifact,
	artifactKeys,
	forgetReference,
	refreshArtifact,
} from "./artifacts.ts";

const digest = "sha256:aaa";
const other = "sha256:bbb";

/** A cache as the repository and artifact pages leave it. */
function cache() {
	const qc = new QueryClient();
	const put = (key: readonly unknown[], data: unknown) =>
		qc.setQueryData(key, data);
	put(artifactKeys.list("p", "r", { page: 1, pageSize: 15 }), {
		items: [],
		total: 0,
	});
	put(artifactKeys.detail("p", "r", digest), { digest } as Artifact);
	put(artifactKeys.detail("p", "r", "v1"), { digest } as Artifact);
	put(artifactKeys.detail("p", "r", "v2"), { digest: other } as Artifact);
	put(artifactKeys.content("p", "r", "v1"), {});
	put(artifactKeys.addition("p", "r", "v1", "build_history"), []);
	put(artifactKeys.content("p", "r", digest), {});
	put(artifactKeys.list("p", "other", { page: 1, pageSize: 15 }), {
		items: [],
		total: 0,
	});
	return qc;
}
const invalidated = (qc: QueryClient, key: readonly unknown[]) =>
	qc.getQueryState(key)?.isInvalidated;

describe("after a tag or label change", () => {
	it("refreshes the repository's lists and the details of that artifact only, not its content or additions", async () => {
		const qc = cache();
		await refreshArtifact(qc, "p", "r", digest);
		expect(
			invalidated(qc, artifactKeys.list("p", "r", { page: 1, pageSize: 15 })),
		).toBe(true);
		expect(invalidated(qc, artifactKeys.detail("p", "r", digest))).toBe(true);
		expect(invalidated(qc, artifactKeys.detail("p", "r", "v1"))).toBe(true);
		expect(invalidated(qc, artifactKeys.detail("p", "r", "v2"))).toBe(false);
		expect(invalidated(qc, artifactKeys.content("p", "r", digest))).toBe(false);
		expect(
			invalidated(qc, artifactKeys.addition("p", "r", "v1", "build_history")),
		).toBe(false);
		expect(
			invalidated(
				qc,
				artifactKeys.list("p", "other", { page: 1, pageSize: 15 }),
			),
		).toBe(false);
	});

	it("forgets, without asking again, what was read through a deleted tag", () => {
		const qc = cache();
		forgetReference(qc, "p", "r", "v1");
		expect(
			qc.getQueryState(artifactKeys.detail("p", "r", "v1")),
		).toBeUndefined();
		expect(
			qc.getQueryState(artifactKeys.content("p", "r", "v1")),
		).toBeUndefined();
		expect(
			qc.getQueryState(artifactKeys.addition("p", "r", "v1", "build_history")),
		).toBeUndefined();
		expect(
			qc.getQueryState(artifactKeys.detail("p", "r", digest)),
		).toBeDefined();
		expect(qc.getQueryState(artifactKeys.detail("p", "r", "v2"))).toBeDefined();
	});
});
