import { createV2Client } from "../v2-client.ts";
import {
	type Adapter,
	type AdapterEndpoint,
	type AdapterType,
	nameAndTag,
	standardPattern,
} from "./adapter.ts";

/**
 * An adapter that is the v2 API alone: ping is `GET /v2/` (with the credentials when given), repositories come from
 * `_catalog` where the remote offers one. `registryUrl` maps the endpoint's URL to where its v2 API answers.
 */
export function v2Adapter(
	endpoint: AdapterEndpoint,
	registryUrl: (url: string) => string = (u) => u,
): Adapter {
	const client = createV2Client({
		...endpoint,
		url: registryUrl(endpoint.url),
	});
	return {
		client: async () => client,
		ping: () => client.ping(),
		repositories: () => client.catalog(),
		close: () => client.close(),
	};
}

/** `docker-registry`: any distribution v2 registry (distribution, Zot, Nexus, another Wharf spoken to as a registry). */
export const dockerRegistry: AdapterType = {
	type: "docker-registry",
	info: {
		description:
			"Registry adapter for any registry speaking the Docker / OCI distribution v2 API",
		supported_resource_filters: nameAndTag,
		supported_triggers: ["manual", "scheduled"],
		supported_copy_by_chunk: true,
	},
	pattern: standardPattern,
	create: (endpoint) => v2Adapter(endpoint),
};
