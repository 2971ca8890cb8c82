export { I18nProvider, useI18n, translator, type I18n, type Translate } from './i18n.tsx';
export { LanguageSwitch } from './LanguageSwitch.tsx';
export type { Lang, MessageKey } from './messages.ts';
