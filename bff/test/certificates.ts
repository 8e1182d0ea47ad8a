import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

/**
 * A self-signed certificate for 127.0.0.1 (and `localhost` when asked), made with openssl into `dir` as `key.pem` and
 * `cert.pem`; returns their paths.
 */
export async function selfSignedCertificate(
	dir: string,
	opts: { days?: number; localhost?: boolean } = {},
) {
	const key = path.join(dir, "key.pem");
	const cert = path.join(dir, "cert.pem");
	await promisify(execFile)("openssl", [
		"req",
		"-x509",
		"-newkey",
		"rsa:2048",
		"-nodes",
		"-days",
		String(opts.days ?? 1),
		"-subj",
		"/CN=127.0.0.1",
		"-addext",
		`subjectAltName=IP:127.0.0.1${opts.localhost ? ",DNS:localhost" : ""}`,
		"-keyout",
		key,
		"-out",
		cert,
	]);
	return { key, cert };
}
