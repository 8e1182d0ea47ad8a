export type PullTarget = {
	project: string;
	repo: string;
	digest: string;
	tags: string[];
	type?: string;
};

/** Docker treats registries on a loopback address as insecure by itself; elsewhere plain http needs a daemon entry. */
const isLoopback = (host: string) =>
	/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i.test(host);

type CommandLines = { by: "tag" | "digest"; text: string }[];
export type PullCommandSet = {
	tools: Record<string, CommandLines>;
	logins: Record<string, string>;
	dockerNeedsInsecure: boolean;
	host: string;
};

/**
 * The commands a user types to pull, built from the external URL. Over plain http podman needs `--tls-verify=false`,
 * helm `--plain-http`, and docker an `insecure-registries` entry (except on loopback), so the commands say so.
 * A Helm chart is pulled with helm (by tag: `--version`); an image with docker or podman, by tag and by digest.
 */
export function pullCommands(
	address: { externalUrl: string; host: string },
	t: PullTarget,
	tag: string | undefined,
): PullCommandSet {
	const secure = address.externalUrl.startsWith("https://");
	const name = `${address.host}/${t.project}/${t.repo}`;
	const refs = [
		...(tag ? [{ by: "tag" as const, ref: `${name}:${tag}` }] : []),
		{ by: "digest" as const, ref: `${name}@${t.digest}` },
	];
	const tlsFlag = secure ? "" : " --tls-verify=false";
	if (t.type === "CHART") {
		return {
			tools: {
				helm: tag
					? [
							{
								by: "tag" as const,
								text: `helm pull oci://${name} --version ${tag}${secure ? "" : " --plain-http"}`,
							},
						]
					: [],
			},
			logins: {
				helm: `helm registry login${secure ? "" : " --insecure"} ${address.host}`,
			},
			dockerNeedsInsecure: false,
			host: address.host,
		};
	}
	return {
		tools: {
			docker: refs.map((r) => ({ by: r.by, text: `docker pull ${r.ref}` })),
			podman: refs.map((r) => ({
				by: r.by,
				text: `podman pull${tlsFlag} ${r.ref}`,
			})),
		},
		logins: {
			docker: `docker login ${address.host}`,
			podman: `podman login${tlsFlag} ${address.host}`,
		},
		dockerNeedsInsecure: !secure && !isLoopback(address.host),
		host: address.host,
	};
}

export type PushTool = "docker" | "podman" | "helm" | "oras";

/**
 * The commands that push into a project, as Harbor's "push command" helper lists them: docker tags then pushes, podman
 * pushes a local image, helm packages then pushes a chart to the project, oras pushes files as an artifact. Plain http
 * adds podman's `--tls-verify=false` and helm's and oras's `--plain-http` (docker's daemon setting is the pull dialog's).
 */
export function pushCommands(
	address: { externalUrl: string; host: string },
	project: string,
): Record<PushTool, string[]> {
	const secure = address.externalUrl.startsWith("https://");
	const target = `${address.host}/${project}/REPOSITORY[:TAG]`;
	const plain = secure ? "" : " --plain-http";
	return {
		docker: [
			`docker tag SOURCE_IMAGE[:TAG] ${target}`,
			`docker push ${target}`,
		],
		podman: [
			`podman push${secure ? "" : " --tls-verify=false"} IMAGE_ID ${target}`,
		],
		helm: [
			"helm package CHART_PATH",
			`helm push${plain} CHART_PACKAGE oci://${address.host}/${project}`,
		],
		oras: [
			`oras push${plain} ${address.host}/${project}/REPOSITORY:TAG FILE[:MEDIA_TYPE]…`,
		],
	};
}
