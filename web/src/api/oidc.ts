import { useMutation } from "@tanstack/react-query";
import { api } from "./client.ts";

/** Harbor's `POST /system/oidc/ping`: whether a provider answers its discovery document (200), else the server's refusal. */
export const pingOidc = (body: { url: string; verify_cert: boolean }) =>
	api.send("POST", "/api/v2.0/system/oidc/ping", body);

/** Changes nothing: success or the error is the answer. */
export const usePingOidc = () => useMutation({ mutationFn: pingOidc });
