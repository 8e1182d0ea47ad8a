import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhCN from './zh-CN.json';

export const languages = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;

const stored = localStorage.getItem('wharf.lang');
const initial = stored ?? (navigator.language.startsWith('zh') ? 'zh-CN' : 'en');

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: initial,
  fallbackLng: 'en',
  keySeparator: false,
  interpolation: { escapeValue: false }, // React escapes
});
document.documentElement.lang = initial;

export function setLanguage(code: string) {
  localStorage.setItem('wharf.lang', code);
  document.documentElement.lang = code;
  void i18n.changeLanguage(code);
}

export default i18n;
