/**
 * A storage limit as a form holds it: unlimited (Harbor's -1), or an amount and a unit. The server takes a whole number
 * of bytes of at least -1 (`bff/api/projects`, `bff/api/quotas`, `storage_per_project`), so 0 is a limit like any other.
 */
export const storageUnits = [
	{ name: "MiB", bytes: 1024 ** 2 },
	{ name: "GiB", bytes: 1024 ** 3 },
	{ name: "TiB", bytes: 1024 ** 4 },
] as const;
export type StorageUnit = (typeof storageUnits)[number]["name"];

export type StorageDraft = {
	unlimited: boolean;
	amount: string;
	unit: StorageUnit;
};

/** Bytes shown in the largest unit that holds them whole (1 GiB, not 1024 MiB). */
export function toStorageDraft(bytes: number): StorageDraft {
	if (bytes < 0) return { unlimited: true, amount: "", unit: "GiB" };
	const unit =
		[...storageUnits]
			.reverse()
			.find((u) => bytes % u.bytes === 0 && bytes >= u.bytes) ??
		storageUnits[0];
	return {
		unlimited: false,
		amount: String(Number((bytes / unit.bytes).toFixed(3))),
		unit: unit.name,
	};
}

/** The bytes to send (-1 for unlimited), or null while the amount is not a number of at least 0. */
export function storageDraftBytes(d: StorageDraft): number | null {
	if (d.unlimited) return -1;
	const text = d.amount.trim();
	const n = Number(text);
	if (text === "" || !Number.isFinite(n) || n < 0) return null;
	return Math.round(n * storageUnits.find((u) => u.name === d.unit)!.bytes);
}
