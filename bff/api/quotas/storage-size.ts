const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/** Bytes as Harbor writes them in quota errors (docker/go-units BytesSize: `%.4g` and a binary unit, e.g. 1.5MiB). */
export function formatStorage(bytes: number): string {
	let size = bytes;
	let i = 0;
	while (size >= 1024 && i < units.length - 1) {
		size /= 1024;
		i++;
	}
	return `${Number(size.toPrecision(4))}${units[i]}`;
}
