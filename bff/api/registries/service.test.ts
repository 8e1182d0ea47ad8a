import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createSecretBox } from "../../auth/secrets.ts";
import { adapterTypes } from "../../replication/adapters/by-type.ts";
import { engines, withDatabase } from "../../test/harness.ts";
import { createRegistryService } from "./service.ts";
import { createRegistryStore } from "./store.ts";

/** A token-auth registry on 127.0.0.1 that counts the tokens it hands out. */
async function tokenRegistry() {
	let tokens = 0;
	const server = http.createServer((req, res) => {
		const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		if (req.url?.startsWith("/token")) {
			tokens++;
			res.setHeader("content-type", "application/json");
			res.end(JSON.stringify({ token: `t${tokens}`, expires_in: 600 }));
		} else if (req.headers.authorization === `Bearer t${tokens}`) {
			res.end("{}");
		} else {
			res
				.writeHead(401, {
					"www-authenticate": `Bearer realm="${base}/token",service="hub"`,
				})
				.end();
		}
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		tokens: () => tokens,
		close: () =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	};
}

describe.each(engines)("registry endpoints' live adapters on %s", (engine) => {
	it("reuse one docker-hub token across health checks, and take a new one after the credential changes", async () => {
		const hub = await tokenRegistry();
		try {
			await withDatabase(engine, async (db) => {
				const audit = { record: () => undefined };
				const service = createRegistryService({
					store: createRegistryStore(db),
					box: createSecretBox(randomBytes(32)),
					audit,
					types: adapterTypes({
						dockerHub: {
							hubUrl: "https://hub.docker.com",
							registryUrl: hub.url,
						},
					}),
				});
				try {
					const id = await service.create(
						{
							name: "hub",
							type: "docker-hub",
							url: "https://hub.docker.com",
							description: "",
							credential_type: "basic",
							access_key: "my-org",
							access_secret: "org-token",
							insecure: false,
							ca_certificate: null,
						},
						"admin",
					);
					const afterCreate = hub.tokens();
					for (let i = 0; i < 3; i++) await service.checkAll();
					expect(hub.tokens()).toBe(afterCreate + 1);
					expect((await service.get(id)).status).toBe("healthy");
					expect(await service.adapter(id)).toBe(await service.adapter(id));

					await service.update(id, { access_secret: "new-org-token" }, "admin");
					const afterUpdate = hub.tokens();
					await service.checkAll();
					await service.checkAll();
					expect(hub.tokens()).toBe(afterUpdate + 1);
				} finally {
					await service.close();
				}
			});
		} finally {
			await hub.close();
		}
	});
});
