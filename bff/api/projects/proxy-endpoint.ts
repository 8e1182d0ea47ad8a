import type { Principal } from "../../auth/policy.ts";
import type { Db } from "../../db/database.ts";
import { badRequest, forbidden } from "../errors.ts";
import type { RegistryService } from "../registries/service.ts";

/** The endpoint types a proxy cache may pull through: Harbor's PERMITTED_REGISTRY_TYPES_FOR_PROXY_CACHE (ali-acr aside). */
export const proxyTypes = [
	"docker-hub",
	"harbor",
	"azure-acr",
	"aws-ecr",
	"google-gcr",
	"quay",
	"docker-registry",
	"github-ghcr",
	"jfrog-artifactory",
];

/**
 * Checks a `registry_id` given at project creation: only a system admin makes a proxy cache (as Harbor), of an endpoint
 * that exists and whose type may be proxied. Answers the endpoint's id.
 */
export async function proxyEndpoint(
	registries: RegistryService,
	who: Principal,
	registryId: number,
): Promise<number> {
	if (!(who.kind === "user" && who.sysadmin))
		throw forbidden("only a system admin may create a proxy cache project");
	const endpoint = await registries.get(registryId).catch(() => {
		throw badRequest(
			`registry ${registryId} not found: a proxy cache project needs an existing registry endpoint`,
		);
	});
	if (!proxyTypes.includes(endpoint.type)) {
		throw badRequest(
			`a ${endpoint.type} endpoint cannot back a proxy cache (supported: ${proxyTypes.join(", ")})`,
		);
	}
	return endpoint.id;
}

/** Writes a proxy cache takes only from its upstream: the API's copies into one are refused, as Harbor does. */
export async function requireNonProxyCache(
	db: Db,
	project: { id: number; name: string },
): Promise<void> {
	const row = await db
		.selectFrom("projects")
		.select("registry_id")
		.where("id", "=", project.id)
		.executeTakeFirst();
	if (row?.registry_id)
		throw forbidden(
			`project ${project.name} is a proxy cache: it takes artifacts only from its upstream`,
		);
}
