import { useState } from 'react';
import { errorText } from '../api/error-text.ts';
import { useOfficer, useSession } from '../auth/session.tsx';
import { jurisdictionText, rolesText } from '../auth/officer-text.ts';
import { HomePage } from '../home/HomePage.tsx';
import { LanguageSwitch } from '../i18n/LanguageSwitch.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { moduleAt, modulesFor } from './modules.ts';
import { NotFoundPage } from './NotFoundPage.tsx';
import { Link, usePath } from './router.tsx';

/** The signed-in shell: header with the officer and sign-out, module menu, the current page. */
export function Layout() {
  const { t, lang } = useI18n();
  const officer = useOfficer();
  const { signOut } = useSession();
  const path = usePath();
  const [menuOpen, setMenuOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<unknown>(null);

  const modules = modulesFor(officer.roles);
  const current = moduleAt(path, officer.roles);
  let page;
  if (path === '/') page = <HomePage />;
  else if (current?.page) page = <current.page path={path} />;
  else page = <NotFoundPage path={path} />;

  async function onSignOut() {
    setSigningOut(true);
    setSignOutError(null);
    try {
      await signOut();
    } catch (err) {
      setSignOutError(err);
      setSigningOut(false);
    }
  }

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <div className="app-header__inner">
          <Link to="/" className="brand" onClick={() => setMenuOpen(false)}>
            {t('app.name')}
          </Link>
          <LanguageSwitch />
        </div>
        <div className="app-header__inner app-header__officer">
          <p className="officer" data-testid="officer">
            <span className="visually-hidden">{t('header.officer')}: </span>
            <strong className="officer__name">{officer.displayName}</strong>
            <span className="officer__meta">
              <span className="visually-hidden">{t('header.roles')}: </span>
              <span data-testid="officer-roles">{rolesText(officer, t)}</span>
              <span aria-hidden="true"> · </span>
              <span className="visually-hidden">{t('header.jurisdiction')}: </span>
              <span data-testid="officer-jurisdiction">{jurisdictionText(officer.jurisdiction, t)}</span>
            </span>
          </p>
          <div className="app-header__actions">
            <button type="button" className="button button--menu" aria-expanded={menuOpen} aria-controls="app-nav" onClick={() => setMenuOpen((o) => !o)}>
              {t('nav.menu')}
            </button>
            <button type="button" className="button button--quiet" onClick={onSignOut} disabled={signingOut}>
              {signingOut ? t('header.signingOut') : t('header.signOut')}
            </button>
          </div>
        </div>
        <div role="alert" className={signOutError ? 'alert alert--header' : 'visually-hidden'}>
          {signOutError ? errorText(signOutError, lang, t) : ''}
        </div>
      </header>
      <div className="app-body">
        <nav id="app-nav" aria-label={t('nav.label')} className={menuOpen ? 'app-nav app-nav--open' : 'app-nav'}>
          <ul>
            <li>
              <Link to="/" aria-current={path === '/' ? 'page' : undefined} onClick={() => setMenuOpen(false)}>
                {t('nav.home')}
              </Link>
            </li>
            {modules.map((m) => (
              <li key={m.id}>
                {m.page ? (
                  <Link to={m.path} aria-current={current?.id === m.id ? 'page' : undefined} onClick={() => setMenuOpen(false)}>
                    {t(m.labelKey)}
                  </Link>
                ) : (
                  <span className="app-nav__disabled" aria-disabled="true">
                    {t(m.labelKey)}
                    <span className="visually-hidden">, </span>
                    <span className="badge">{t('nav.comingSoon')}</span>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1} className="app-main" key={path}>
          {page}
        </main>
      </div>
    </>
  );
}
