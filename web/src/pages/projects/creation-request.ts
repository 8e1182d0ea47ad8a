import type { ProjectCreation } from "../../api/projects.ts";
import { bandwidthKb } from "../../components/bandwidth.ts";

/** The create dialog's proxy-cache part: off, or the endpoint to pull through and the bandwidth (KB/s, -1 unlimited) as typed. */
export type ProxyDraft = {
	enabled: boolean;
	registryId: number | null;
	speed: string;
};

export const noProxy: ProxyDraft = {
	enabled: false,
	registryId: null,
	speed: "-1",
};

/** What is wrong with the proxy-cache part (an i18n key), if anything; off is never wrong. */
export function proxyProblem(d: ProxyDraft): {
	registry?: string;
	speed?: string;
} {
	if (!d.enabled) return {};
	return {
		...(d.registryId === null
			? { registry: "projects.create.proxyEndpointRequired" }
			: {}),
		...(bandwidthKb(d.speed) === null
			? { speed: "projects.create.proxySpeedInvalid" }
			: {}),
	};
}

/**
 * The ProjectReq the dialog sends: the storage limit only from a system admin (the server gives others the default);
 * a proxy cache's `registry_id` and its `proxy_speed_kb` (a string, as Harbor keeps all metadata) only when switched on.
 */
export function creationRequest(v: {
	name: string;
	isPublic: boolean;
	isAdmin: boolean;
	limit: number | null;
	proxy: ProxyDraft;
}): ProjectCreation {
	const proxy = v.isAdmin && v.proxy.enabled && v.proxy.registryId !== null;
	return {
		project_name: v.name,
		metadata: {
			public: v.isPublic ? "true" : "false",
			...(proxy
				? { proxy_speed_kb: String(bandwidthKb(v.proxy.speed) ?? -1) }
				: {}),
		},
		...(v.isAdmin ? { storage_limit: v.limit ?? -1 } : {}),
		...(proxy ? { registry_id: v.proxy.registryId! } : {}),
	};
}
