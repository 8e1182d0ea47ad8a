import { describe, expect, it } from "vitest";
import { projectCreationSchema } from "../../api/projects.ts";
import { creationRequest, noProxy, proxyProblem } from "./creation-request.ts";

describe("the create-project request", () => {
	it("is a plain project with the proxy switch off, the limit only from an admin", () => {
		expect(
			creationRequest({
				name: "p",
				isPublic: true,
				isAdmin: true,
				limit: 1024,
				proxy: noProxy,
			}),
		).toEqual({
			project_name: "p",
			metadata: { public: "true" },
			storage_limit: 1024,
		});
		expect(
			creationRequest({
				name: "p",
				isPublic: false,
				isAdmin: false,
				limit: 1024,
				proxy: noProxy,
			}),
		).toEqual({ project_name: "p", metadata: { public: "false" } });
	});

	it("makes a proxy cache of the chosen endpoint with its bandwidth as Harbor's string metadata", () => {
		const req = creationRequest({
			name: "hub",
			isPublic: true,
			isAdmin: true,
			limit: -1,
			proxy: { enabled: true, registryId: 4, speed: " 512 " },
		});
		expect(req).toEqual({
			project_name: "hub",
			metadata: { public: "true", proxy_speed_kb: "512" },
			storage_limit: -1,
			registry_id: 4,
		});
		expect(projectCreationSchema.parse(req)).toEqual(req);
	});

	it("never sends a proxy cache for someone who is not a system admin", () => {
		expect(
			creationRequest({
				name: "p",
				isPublic: false,
				isAdmin: false,
				limit: null,
				proxy: { enabled: true, registryId: 4, speed: "-1" },
			}),
		).toEqual({ project_name: "p", metadata: { public: "false" } });
	});

	it("asks for an endpoint and a valid bandwidth only while the switch is on", () => {
		expect(
			proxyProblem({ enabled: false, registryId: null, speed: "x" }),
		).toEqual({});
		expect(
			proxyProblem({ enabled: true, registryId: null, speed: "0" }),
		).toEqual({
			registry: "projects.create.proxyEndpointRequired",
			speed: "projects.create.proxySpeedInvalid",
		});
		expect(proxyProblem({ enabled: true, registryId: 2, speed: "-1" })).toEqual(
			{},
		);
	});
});
