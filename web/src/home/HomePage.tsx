import { usePageTitle } from '../app/page.ts';
import { modulesFor } from '../app/modules.ts';
import { Link } from '../app/router.tsx';
import { jurisdictionText, rolesText } from '../auth/officer-text.ts';
import { useOfficer } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';

/** The first page after sign-in: who you are, where you may act, what the app offers so far. */
export function HomePage() {
  const { t } = useI18n();
  const officer = useOfficer();
  const ref = usePageTitle(t('home.title'));
  const roles = rolesText(officer, t);
  const jurisdiction = jurisdictionText(officer.jurisdiction, t);

  return (
    <div className="home">
      <h1 ref={ref} tabIndex={-1}>
        {t('home.greeting', { name: officer.displayName })}
      </h1>
      <p className="lead">{t('home.summary', { roles, jurisdiction })}</p>

      <section aria-labelledby="home-account" className="panel">
        <h2 id="home-account">{t('home.account')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('home.username')}</dt>
            <dd>{officer.username}</dd>
          </div>
          <div>
            <dt>{t('header.roles')}</dt>
            <dd>{roles}</dd>
          </div>
          <div>
            <dt>{t('header.jurisdiction')}</dt>
            <dd data-testid="home-jurisdiction">{jurisdiction}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="home-modules" className="panel">
        <h2 id="home-modules">{t('home.modules')}</h2>
        <p>{t('home.modulesNote')}</p>
        <ul className="module-list">
          {modulesFor(officer.roles).map((m) => (
            <li key={m.id}>
              {m.page ? <Link to={m.path}>{t(m.labelKey)}</Link> : <span>{t(m.labelKey)}</span>}
              <span className="visually-hidden">, </span>
              <span className={m.page ? 'badge badge--ok' : 'badge'}>{m.page ? t('home.moduleAvailable') : t('nav.comingSoon')}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
