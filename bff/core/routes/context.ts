import type { Request, Response } from "express";
import type { ArtifactEventSink } from "../../events/artifact-events.ts";
import type { AuditSink, Caller, PullGuard, WriteGuard } from "../access.ts";
import type { ForegroundGauge } from "../foreground.ts";
import type { ManifestService } from "../manifests.ts";
import type { ProjectProxy, ProxyCaches } from "../proxy.ts";
import type { PullRecorder } from "../pull-recorder.ts";
import type { StorageDriver } from "../storage/driver.ts";
import type { RegistryStore } from "../store.ts";
import type { RepositoryRef, UploadService } from "../uploads.ts";

export type CoreServices = {
	store: RegistryStore;
	storage: StorageDriver;
	uploads: UploadService;
	manifests: ManifestService;
	pulls: PullRecorder;
	audit: AuditSink;
	guard: WriteGuard;
	/** Pushes and deletions for subscribers (replication's event trigger, webhooks); none when not given. */
	events?: ArtifactEventSink;
	/** Proxy-cache projects' pulls through their upstream; none when not given. */
	proxies?: ProxyCaches;
	/** Counts clients' blob transfers, which background work yields to; none when not given. */
	foreground?: ForegroundGauge;
	/** The projects' pull policies (prevent vulnerable images); none when not given. */
	pullGuard?: PullGuard;
};

/** One request to a repository, after its caller is authorized for the action. */
export type RepoRequest = {
	req: Request;
	res: Response;
	caller: Caller;
	/** Validated `<project>/<path…>`. */
	name: string;
	project: string;
	/** What follows the name: `manifests/<ref>`, `blobs/<digest>`, `blobs/uploads/<id>`, `tags/list`, `referrers/<digest>`. */
	rest: string;
	/** The repository row, created on first push; null until then. */
	repo: RepositoryRef | null;
	services: CoreServices;
	/** Set in a proxy-cache project: pulls of what the repository lacks go to the upstream. */
	proxy?: ProjectProxy | null;
};

/** An AbortSignal that fires when the client goes away before the response is done. */
export function clientGone(req: Request, res: Response): AbortSignal {
	const ac = new AbortController();
	const abort = () => {
		if (!res.writableFinished) ac.abort(new Error("client disconnected"));
	};
	req.on("aborted", abort);
	res.on("close", abort);
	return ac.signal;
}

/**
 * A JSON body whose Content-Type is exactly `type`: Express's res.json and res.send(string) append `; charset=utf-8`,
 * which OCI clients and the conformance suite compare byte for byte (distribution sends the bare type).
 */
export function sendJson(
	res: Response,
	body: unknown,
	type = "application/json",
) {
	res.setHeader("Content-Type", type);
	res.send(Buffer.from(JSON.stringify(body))); // a Buffer: send() leaves the type as set and adds the length
}

export const contentLength = (req: Request): number | undefined =>
	req.headers["content-length"] !== undefined
		? Number(req.headers["content-length"])
		: undefined;
