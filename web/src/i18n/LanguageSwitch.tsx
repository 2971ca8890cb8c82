import { useI18n } from './i18n.tsx';
import { LANGS } from './messages.ts';

/** "Tiếng Việt | English": each name in its own language, the current one marked pressed. */
export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label={t('lang.label')}>
      {LANGS.map((l, i) => (
        <span key={l} className="lang-switch__item">
          {i > 0 && <span aria-hidden="true" className="lang-switch__sep">|</span>}
          <button type="button" lang={l} aria-pressed={lang === l} onClick={() => setLang(l)}>
            {t(`lang.${l}`)}
          </button>
        </span>
      ))}
    </div>
  );
}
