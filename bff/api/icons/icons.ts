import { digestOf } from "../../core/digest.ts";

/**
 * The built-in artifact icons, one per Harbor artifact type, addressed by the digest of their bytes (what the
 * artifact's `icon` field carries and `GET /icons/{digest}` serves, as Harbor does for its own).
 */
const badge = (color: string, text: string) =>
	`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="${color}"/>` +
	`<text x="32" y="41" font-family="sans-serif" font-size="22" font-weight="700" fill="#fff" text-anchor="middle">${text}</text></svg>`;

const byType: Record<string, string> = {
	IMAGE: badge("#0f4c81", "OCI"),
	CHART: badge("#0f1689", "HELM"),
	CNAB: badge("#6b21a8", "CNAB"),
	SIGNATURE: badge("#047857", "SIG"),
	SBOM: badge("#b45309", "SBOM"),
	UNKNOWN: badge("#475569", "?"),
};

const icons = new Map<string, Buffer>();
const digestOfType = new Map<string, string>();
for (const [type, svg] of Object.entries(byType)) {
	const bytes = Buffer.from(svg);
	const digest = digestOf(bytes);
	icons.set(digest, bytes);
	digestOfType.set(type, digest);
}

/** The icon digest for an artifact of this type (the unknown icon for types without their own). */
export const iconOf = (type: string) =>
	digestOfType.get(type) ?? digestOfType.get("UNKNOWN")!;

/** Harbor's Icon model: the content type and the base64 content; undefined for a digest that is no icon. */
export function iconJson(
	digest: string,
): { "content-type": string; content: string } | undefined {
	const icon = icons.get(digest);
	return (
		icon && {
			"content-type": "image/svg+xml",
			content: icon.toString("base64"),
		}
	);
}
