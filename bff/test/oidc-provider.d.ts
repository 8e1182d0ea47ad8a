/** The little of node-oidc-provider 8 the tests use (it ships no types). */
declare module "oidc-provider" {
	import type { IncomingMessage, ServerResponse } from "node:http";

	type Account = {
		accountId: string;
		claims(): Promise<Record<string, unknown>>;
	};

	export default class Provider {
		constructor(issuer: string, configuration: Record<string, unknown>);
		callback(): (req: IncomingMessage, res: ServerResponse) => void;
		on(
			event: "server_error",
			listener: (ctx: unknown, err: Error) => void,
		): this;
	}
	export type { Account };
}
