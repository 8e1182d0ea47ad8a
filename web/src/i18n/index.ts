import i18n from "i18next";
import { initReactI18next } from "react-i18next";

/** One file per area and language (i18n/en/projects.json…), merged: keys are prefixed by area, so none collide. */
const merge = (files: Record<string, unknown>) =>
	Object.assign(
		{},
		...Object.values(files).map((m) => (m as { default: object }).default),
	);
const en = merge(import.meta.glob("./en/*.json", { eager: true }));
const zhCN = merge(import.meta.glob("./zh-CN/*.json", { eager: true }));

export const languages = [
	{ code: "en", label: "English" },
	{ code: "zh-CN", label: "简体中文" },
] as const;

const stored = localStorage.getItem("wharf.lang");
const initial =
	stored ?? (navigator.language.startsWith("zh") ? "zh-CN" : "en");

void i18n.use(initReactI18next).init({
	resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
	lng: initial,
	fallbackLng: "en",
	keySeparator: false,
	interpolation: { escapeValue: false }, // React escapes
});
document.documentElement.lang = initial;

export function setLanguage(code: string) {
	localStorage.setItem("wharf.lang", code);
	document.documentElement.lang = code;
	void i18n.changeLanguage(code);
}

export default i18n;
