/** The label palette (Harbor offers a fixed set too); each colour has a name for screen readers. */
export const palette = [
	{ name: "navy", hex: "#0f4c81" },
	{ name: "green", hex: "#1d7a46" },
	{ name: "amber", hex: "#b45309" },
	{ name: "red", hex: "#b91c1c" },
	{ name: "violet", hex: "#6d28d9" },
	{ name: "teal", hex: "#0e7490" },
	{ name: "pink", hex: "#be185d" },
	{ name: "slate", hex: "#374151" },
	{ name: "sky", hex: "#bfdbfe" },
	{ name: "mint", hex: "#bbf7d0" },
	{ name: "sand", hex: "#fde68a" },
	{ name: "rose", hex: "#fecaca" },
] as const;
