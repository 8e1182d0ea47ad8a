import { describe, expect, it } from "vitest";
import type { ReplicationPolicy } from "../../api/replication.ts";
import {
	emptyRuleForm,
	flattenExample,
	formProblems,
	fromPolicy,
	offered,
	type RuleForm,
	toPolicy,
} from "./rule-form.ts";

const saved: ReplicationPolicy = {
	id: 7,
	name: "to-dr",
	description: "disaster recovery",
	src_registry: { id: 0, name: "Local" },
	dest_registry: { id: 3, name: "dr-site" },
	dest_namespace: "mirror",
	dest_namespace_replace_count: 2,
	trigger: { type: "scheduled", trigger_settings: { cron: "0 0 3 * * *" } },
	filters: [
		{ type: "name", value: "library/**" },
		{ type: "tag", value: "v1.*", decoration: "excludes" },
		{ type: "label", value: ["prod", "signed"], decoration: "matches" },
		{ type: "resource", value: "image" },
	],
	replicate_deletion: true,
	override: false,
	enabled: false,
	speed: 512,
	copy_by_chunk: true,
	creation_time: "2026-01-01T00:00:00Z",
	update_time: "2026-01-01T00:00:00Z",
};

describe("replication rule form", () => {
	it("reads a saved push rule into every field and sends it back as it was", () => {
		const form = fromPolicy(saved);
		expect(form).toEqual({
			name: "to-dr",
			description: "disaster recovery",
			mode: "push",
			registryId: 3,
			nameFilter: "library/**",
			tagFilter: "v1.*",
			tagDecoration: "excludes",
			labels: "prod, signed",
			labelDecoration: "matches",
			resource: "image",
			destNamespace: "mirror",
			replaceCount: 2,
			trigger: "scheduled",
			cron: "0 0 3 * * *",
			override: false,
			replicateDeletion: true,
			speed: "512",
			copyByChunk: true,
			enabled: false,
		} satisfies RuleForm);
		const {
			id,
			creation_time,
			update_time,
			src_registry,
			dest_registry,
			...rest
		} = saved;
		expect(toPolicy(form)).toEqual({ ...rest, dest_registry: { id: 3 } });
	});

	it("reads a pull rule by its remote source, whether the local side is absent or Harbor's id 0", () => {
		expect(
			fromPolicy({
				...saved,
				src_registry: { id: 4, name: "hub" },
				dest_registry: null,
			}),
		).toMatchObject({ mode: "pull", registryId: 4 });
		expect(
			fromPolicy({
				...saved,
				src_registry: { id: 4, name: "hub" },
				dest_registry: { id: 0, name: "Local" },
			}),
		).toMatchObject({ mode: "pull", registryId: 4 });
		const pull = toPolicy({
			...emptyRuleForm,
			name: "from-hub",
			mode: "pull",
			registryId: 4,
		});
		expect(pull.src_registry).toEqual({ id: 4 });
		expect(pull).not.toHaveProperty("dest_registry");
	});

	it("leaves empty filters out, trims globs, and dedupes label names", () => {
		expect(
			toPolicy({ ...emptyRuleForm, name: "x", registryId: 1 }).filters,
		).toEqual([]);
		expect(
			toPolicy({
				...emptyRuleForm,
				name: "x",
				registryId: 1,
				nameFilter: " team/* ",
				labels: "a, b,,a ",
			}).filters,
		).toEqual([
			{ type: "name", value: "team/*" },
			{ type: "label", value: ["a", "b"], decoration: "matches" },
		]);
	});

	it("sends the cron only with a schedule, and never an event trigger for a pull rule", () => {
		const base = {
			...emptyRuleForm,
			name: "x",
			registryId: 1,
			cron: "0 */5 * * * *",
		};
		expect(toPolicy({ ...base, trigger: "manual" }).trigger).toEqual({
			type: "manual",
			trigger_settings: {},
		});
		expect(toPolicy({ ...base, trigger: "scheduled" }).trigger).toEqual({
			type: "scheduled",
			trigger_settings: { cron: "0 */5 * * * *" },
		});
		expect(
			toPolicy({ ...base, mode: "pull", trigger: "event_based" }).trigger?.type,
		).toBe("manual");
	});

	it("says what is missing or wrong before sending", () => {
		expect(formProblems(emptyRuleForm)).toEqual({
			name: "replication.form.nameRequired",
			registryId: "replication.form.destinationRequired",
		});
		expect(formProblems({ ...emptyRuleForm, mode: "pull" }).registryId).toBe(
			"replication.form.sourceRequired",
		);
		const ok = { ...emptyRuleForm, name: "x", registryId: 1 };
		expect(formProblems(ok)).toEqual({});
		expect(formProblems({ ...ok, trigger: "scheduled", cron: " " })).toEqual({
			cron: "replication.form.cronRequired",
		});
		for (const speed of ["0", "-2", "1.5", "fast", "", "99999999999"])
			expect(formProblems({ ...ok, speed }), speed).toEqual({
				speed: "replication.form.speedInvalid",
			});
		expect(formProblems({ ...ok, speed: "2048" })).toEqual({});
	});

	it("shows what each flattening choice makes of a/b/c/d/img", () => {
		expect(flattenExample(-1, "ns")).toBe("ns/img");
		expect(flattenExample(0, "ns")).toBe("ns/a/b/c/d/img");
		expect(flattenExample(1, "ns")).toBe("ns/b/c/d/img");
		expect(flattenExample(3, "ns")).toBe("ns/d/img");
		expect(flattenExample(3, "")).toBe("a/b/c/d/img");
	});

	it("offers Wharf's own filters for a push and the source endpoint's for a pull; event triggers only for a push", () => {
		const registryInfo = {
			type: "docker-registry",
			supported_resource_filters: [
				{ type: "name", style: "input" },
				{ type: "tag", style: "input" },
			],
			supported_triggers: ["manual", "scheduled"],
			supported_copy_by_chunk: true,
		};
		const push = offered("push", registryInfo);
		expect([...push.filterTypes]).toEqual(["name", "tag", "label", "resource"]);
		expect(push.resourceValues).toEqual(["image", "artifact"]);
		expect(push.triggers).toEqual(["manual", "scheduled", "event_based"]);
		expect(push.copyByChunk).toBe(true);
		const pull = offered("pull", registryInfo);
		expect([...pull.filterTypes]).toEqual(["name", "tag"]);
		expect(pull.triggers).toEqual(["manual", "scheduled"]);
		expect(
			offered("pull", { ...registryInfo, supported_triggers: ["manual"] })
				.triggers,
		).toEqual(["manual"]);
	});
});
