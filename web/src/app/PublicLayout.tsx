import type { ReactNode } from 'react';
import { LanguageSwitch } from '../i18n/LanguageSwitch.tsx';
import { useI18n } from '../i18n/i18n.tsx';

/** The frame around pages seen before sign-in: product name, language switch, content. */
export function PublicLayout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <div className="app-header__inner">
          <p className="brand">{t('app.name')}</p>
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" tabIndex={-1} className="public-main">
        {children}
      </main>
    </>
  );
}
