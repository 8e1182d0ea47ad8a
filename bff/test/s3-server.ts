import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

/** s3rver's fixed credentials: any S3 client signs with these. */
export const s3Credentials = {
	accessKeyId: "S3RVER",
	secretAccessKey: "S3RVER",
};

/**
 * An S3-compatible server of the test's own (s3rver, keeping objects in a temporary folder) on 127.0.0.1, with one
 * bucket. `env` is what a Wharf needs to keep its blobs there; `requests` lists every request it got (method, path
 * with query, answer's status), in the order they were answered.
 */
export async function startS3Server(bucket = "wharf") {
	const directory = await mkdtemp(path.join(os.tmpdir(), "wharf-s3-"));
	const server = new S3rver({
		address: "127.0.0.1",
		port: 0,
		silent: true,
		directory,
		configureBuckets: [{ name: bucket }],
	});
	const { port } = (await server.run()) as AddressInfo;
	const requests: { method: string; url: string; status: number }[] = [];
	server.httpServer?.on("request", (req, res) =>
		res.once("finish", () =>
			requests.push({
				method: req.method ?? "",
				url: req.url ?? "",
				status: res.statusCode,
			}),
		),
	);
	const url = `http://127.0.0.1:${port}`;
	return {
		url,
		bucket,
		directory,
		requests,
		client: (endpoint = url) =>
			new S3Client({
				endpoint,
				region: "us-east-1",
				forcePathStyle: true,
				credentials: s3Credentials,
				maxAttempts: 6,
			}),
		/** A Wharf's environment for blobs under `prefix` in the bucket, reached at `endpoint` (default: this server). */
		env: (prefix: string, endpoint = url): Record<string, string> => ({
			WHARF_STORAGE: `s3://${bucket}/${prefix}?path_style=true`,
			AWS_ENDPOINT_URL_S3: endpoint,
			AWS_REGION: "us-east-1",
			AWS_ACCESS_KEY_ID: s3Credentials.accessKeyId,
			AWS_SECRET_ACCESS_KEY: s3Credentials.secretAccessKey,
		}),
		async stop() {
			await server.close();
			await rm(directory, { recursive: true, force: true });
		},
	};
}

export type S3Server = Awaited<ReturnType<typeof startS3Server>>;
