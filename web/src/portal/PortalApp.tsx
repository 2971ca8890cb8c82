import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { onUnauthorized } from '../api/client.ts';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { LanguageSwitch } from '../i18n/LanguageSwitch.tsx';
import '../styles/registry.css';
import '../styles/portal.css';
import { AccessPage } from './AccessPage.tsx';
import { ApplicationsPage } from './ApplicationsPage.tsx';
import { ConsentsPage } from './ConsentsPage.tsx';
import { DevicesPage } from './DevicesPage.tsx';
import { MyDataPage } from './MyDataPage.tsx';
import { eidMe, type EidMe } from './portal.api.ts';
import { SecurityPage } from './SecurityPage.tsx';
import { SignInPage } from './SignInPage.tsx';
import { useText, type PlainKey } from './text.ts';

type State = { kind: 'loading' } | { kind: 'signed-out'; ended: boolean } | { kind: 'signed-in'; account: EidMe } | { kind: 'unavailable'; error: unknown };

interface PortalSession {
  account: EidMe;
  /** Asks the server again (after a change to the account: TOTP, passkeys, password). */
  refresh(): void;
}

const SessionContext = createContext<PortalSession | null>(null);

/** The signed-in citizen's eID account; only for pages inside the signed-in portal. */
export function useCitizen(): PortalSession {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useCitizen outside the signed-in portal');
  return s;
}

/** The portal's pages, in menu order. */
const PAGES: ReadonlyArray<{ path: string; label: PlainKey }> = [
  { path: '/portal', label: 'nav.me' },
  { path: '/portal/access', label: 'nav.access' },
  { path: '/portal/consents', label: 'nav.consents' },
  { path: '/portal/security', label: 'nav.security' },
  { path: '/portal/devices', label: 'nav.devices' },
  { path: '/portal/applications', label: 'nav.applications' },
];

/**
 * The citizen portal (its own chunk, loaded under /portal). Signing in goes through the eID
 * OpenID Connect pages (server routes /portal/login and /portal/callback); the browser then holds
 * an HttpOnly session cookie and this app only asks the API who is signed in.
 */
export default function PortalApp({ path }: { path: string }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    eidMe({ signal: ctrl.signal }).then(
      (account) => setState({ kind: 'signed-in', account }),
      (error: unknown) => {
        if (ctrl.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) setState((s) => ({ kind: 'signed-out', ended: s.kind === 'signed-in' }));
        else setState({ kind: 'unavailable', error });
      },
    );
    return () => ctrl.abort();
  }, [attempt]);

  // A session revoked elsewhere (another device, a password change) ends here at the next call.
  useEffect(() => onUnauthorized(() => setState((s) => (s.kind === 'signed-in' ? { kind: 'signed-out', ended: true } : s))), []);

  const refresh = useCallback(() => setAttempt((a) => a + 1), []);
  const session = useMemo(() => (state.kind === 'signed-in' ? { account: state.account, refresh } : null), [state, refresh]);

  if (state.kind === 'loading') return <Loading />;
  if (state.kind === 'unavailable')
    return (
      <Shell path={path}>
        <Unavailable error={state.error} retry={refresh} />
      </Shell>
    );
  if (state.kind === 'signed-out')
    return (
      <Shell path={path}>
        <SignInPage path={path} ended={state.ended} />
      </Shell>
    );
  return (
    <SessionContext value={session}>
      <Shell path={path} signedIn={state.account}>
        <Page path={path} />
      </Shell>
    </SessionContext>
  );
}

function Page({ path }: { path: string }) {
  switch (path) {
    case '/portal':
      return <MyDataPage />;
    case '/portal/access':
      return <AccessPage />;
    case '/portal/consents':
      return <ConsentsPage />;
    case '/portal/security':
      return <SecurityPage />;
    case '/portal/devices':
      return <DevicesPage />;
    case '/portal/applications':
      return <ApplicationsPage />;
    default:
      return <NotFound path={path} />;
  }
}

function Loading() {
  const { pt } = useText();
  return (
    <p className="loading" role="status">
      {pt('loading')}
    </p>
  );
}

function Unavailable({ error, retry }: { error: unknown; retry(): void }) {
  const { pt, t, lang } = useText();
  const ref = usePageTitle(pt('loadFailed'));
  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {pt('loadFailed')}
      </h1>
      <p role="alert" className="alert">
        {errorText(error, lang, t)}
      </p>
      <button type="button" className="button button--primary" onClick={retry}>
        {pt('retry')}
      </button>
    </div>
  );
}

function NotFound({ path }: { path: string }) {
  const { pt } = useText();
  const ref = usePageTitle(pt('notFound.title'));
  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {pt('notFound.title')}
      </h1>
      <p>{pt('notFound.body', { path })}</p>
      <p>
        <Link to="/portal">{pt('notFound.back')}</Link>
      </p>
    </div>
  );
}

/** Header (name of the portal, language, eID level and sign-out), the portal's menu, the page. */
function Shell({ path, signedIn, children }: { path: string; signedIn?: EidMe; children: ReactNode }) {
  const { pt, t } = useText();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-header portal-header">
        <div className="app-header__inner">
          {signedIn ? (
            <Link to="/portal" className="brand">
              {pt('brand')}
            </Link>
          ) : (
            <p className="brand">{pt('brand')}</p>
          )}
          <LanguageSwitch />
        </div>
        {signedIn && (
          <div className="app-header__inner app-header__officer">
            <p className="portal-level" data-testid="portal-level">
              {pt('header.level', { level: signedIn.level })}
            </p>
            {/* A server route: it ends the session here and at the eID provider, then comes back. */}
            <a href="/portal/logout" className="button button--quiet portal-signout">
              {pt('header.signOut')}
            </a>
          </div>
        )}
      </header>
      {signedIn && (
        <nav aria-label={pt('nav.label')} className="portal-nav">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <Link to={p.path} aria-current={path === p.path ? 'page' : undefined}>
                  {pt(p.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" tabIndex={-1} className="portal-main" key={path}>
        {children}
      </main>
    </>
  );
}
