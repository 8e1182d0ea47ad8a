import {
	ECRClient,
	GetAuthorizationTokenCommand,
	type GetAuthorizationTokenCommandOutput,
} from "@aws-sdk/client-ecr";
import type { V2Credential } from "../v2-auth.ts";
import { createV2Client, type V2Client } from "../v2-client.ts";
import { networkError, V2Error } from "../v2-errors.ts";
import {
	type Adapter,
	type AdapterEndpoint,
	type AdapterType,
	nameAndTag,
	standardPattern,
} from "./adapter.ts";

const regions = [
	"us-east-1",
	"us-east-2",
	"us-west-1",
	"us-west-2",
	"ca-central-1",
	"eu-central-1",
	"eu-west-1",
	"eu-west-2",
	"eu-west-3",
	"eu-north-1",
	"ap-northeast-1",
	"ap-northeast-2",
	"ap-southeast-1",
	"ap-southeast-2",
	"ap-south-1",
	"sa-east-1",
];

/** `https://api.ecr.<region>.amazonaws.com` (the API) or `https://<account>.dkr.ecr.<region>.amazonaws.com` (the registry). */
const ecrHost =
	/^(?:api|(\d+)\.dkr)\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** Where the ECR API answers: AWS's own by default; a setting so tests point it at a local stand-in. */
export type EcrSettings = { apiEndpoint?: string };

/** AWS's refusals of the key itself, as opposed to the network or the service failing. */
const refusedKey = new Set([
	"UnrecognizedClientException",
	"InvalidSignatureException",
	"AccessDeniedException",
	"ExpiredTokenException",
]);

/**
 * An ECR endpoint: the access key and secret go to the AWS API (GetAuthorizationToken) for a registry password, good
 * for 12 hours and kept until shortly before it expires; the registry is then spoken to as `AWS` with that password.
 * The registry's address comes with the token when the endpoint names the API rather than the registry.
 */
function ecrAdapter(endpoint: AdapterEndpoint, settings: EcrSettings): Adapter {
	const m = ecrHost.exec(new URL(endpoint.url).host);
	const ecr = new ECRClient({
		region: m?.[2] ?? "us-east-1",
		maxAttempts: 3,
		...(settings.apiEndpoint ? { endpoint: settings.apiEndpoint } : {}),
		...(endpoint.credential
			? {
					credentials: {
						accessKeyId: endpoint.credential.username,
						secretAccessKey: endpoint.credential.password,
					},
				}
			: {}),
	});
	let held:
		| { credential: V2Credential; registry: string; until: number }
		| undefined;

	async function token() {
		if (held && held.until > Date.now() + 60_000) return held;
		// Without a key the SDK would look for one on this machine (environment, instance metadata): never wanted here.
		if (!endpoint.credential)
			throw new V2Error(
				"unauthorized",
				"an aws-ecr endpoint needs an access key and its secret",
			);
		let out: GetAuthorizationTokenCommandOutput;
		try {
			out = await ecr.send(new GetAuthorizationTokenCommand({}));
		} catch (e) {
			const name = (e as { name?: string }).name ?? "";
			if (refusedKey.has(name))
				throw new V2Error(
					"unauthorized",
					`AWS refused the access key ${endpoint.credential?.username ?? ""}: ${(e as Error).message}`,
				);
			if ((e as { $metadata?: unknown }).$metadata)
				throw new V2Error(
					"http",
					`the ECR API answered ${name}: ${(e as Error).message}`,
				);
			throw networkError(
				settings.apiEndpoint ?? `ECR in ${m?.[2] ?? "us-east-1"}`,
				e,
			);
		}
		const data = out.authorizationData?.[0];
		const decoded = Buffer.from(
			data?.authorizationToken ?? "",
			"base64",
		).toString("utf8");
		const colon = decoded.indexOf(":");
		if (colon < 0)
			throw new V2Error("http", "the ECR API answered no authorization token");
		held = {
			credential: {
				username: decoded.slice(0, colon),
				password: decoded.slice(colon + 1),
			},
			registry: data?.proxyEndpoint ?? endpoint.url,
			until: data?.expiresAt?.getTime() ?? Date.now() + 3600_000,
		};
		return held;
	}

	let client: Promise<V2Client> | undefined;
	const clientOf = () =>
		(client ??= token()
			.then((t) =>
				createV2Client({
					...endpoint,
					credential: undefined,
					url: m?.[1] ? endpoint.url : t.registry,
					credentials: async () => (await token()).credential,
				}),
			)
			.catch((e: unknown) => {
				client = undefined;
				throw e;
			}));

	return {
		client: clientOf,
		ping: async () => (await clientOf()).ping(),
		repositories: async () => (await clientOf()).catalog(),
		async close() {
			ecr.destroy();
			await (await client?.catch(() => undefined))?.close();
		},
	};
}

/** `aws-ecr`: Amazon ECR, one endpoint per region (Harbor's list of the API's URLs). */
export function awsEcr(settings: EcrSettings = {}): AdapterType {
	return {
		type: "aws-ecr",
		info: {
			description: "Registry adapter for Amazon Elastic Container Registry",
			supported_resource_filters: nameAndTag,
			supported_triggers: ["manual", "scheduled"],
			supported_copy_by_chunk: false,
		},
		pattern: {
			...standardPattern,
			endpoint_pattern: {
				endpoint_type: "EndpointPatternTypeList",
				endpoints: regions.map((r) => ({
					key: r,
					value: `https://api.ecr.${r}.amazonaws.com`,
				})),
			},
		},
		create: (endpoint) => ecrAdapter(endpoint, settings),
	};
}
