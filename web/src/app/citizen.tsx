import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { onUnauthorized } from '../api/client.ts';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { LanguageSwitch } from '../i18n/LanguageSwitch.tsx';
import { sentence } from '../ui/fields.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { usePageTitle } from './page.ts';
import { Link } from './router.tsx';

/**
 * What the citizen portal and the partner console share: both serve a citizen signed in with eID
 * (the server's /portal/login and an HttpOnly session cookie). Who is signed in, the frame (name,
 * language, eID level, sign-out, the area's menu) and the pages around the content. Each area
 * passes its own texts, already translated; each keeps its own chunk.
 */
export type Session<T> = { kind: 'loading' } | { kind: 'signed-out'; ended: boolean } | { kind: 'signed-in'; value: T } | { kind: 'unavailable'; error: unknown };

/**
 * Asks who is signed in (`load` answers 401 when nobody is) and again on `refresh()`; a session
 * that ends later (revoked on another device, a password change) ends here at the next 401.
 */
export function useEidSession<T>(load: (signal: AbortSignal) => Promise<T>): { session: Session<T>; refresh(): void } {
  const [session, setSession] = useState<Session<T>>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const ctrl = new AbortController();
    load(ctrl.signal).then(
      (value) => setSession({ kind: 'signed-in', value }),
      (error: unknown) => {
        if (ctrl.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) setSession((s) => ({ kind: 'signed-out', ended: s.kind === 'signed-in' }));
        else setSession({ kind: 'unavailable', error });
      },
    );
    return () => ctrl.abort();
    // `load` is a new closure on each render; only `attempt` asks again.
  }, [attempt]);
  useEffect(() => onUnauthorized(() => setSession((s) => (s.kind === 'signed-in' ? { kind: 'signed-out', ended: true } : s))), []);
  const refresh = useCallback(() => setAttempt((a) => a + 1), []);
  return { session, refresh };
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('app.loading')}
    </p>
  );
}

/** What could not be read (who is signed in, or the organisation), with "Try again" or a way back. */
export function Unavailable({ error, retry, back, testId }: { error: unknown; retry?: () => void; back?: { to: string; label: string }; testId?: string }) {
  const { t, lang } = useI18n();
  const ref = usePageTitle(t('app.loadFailed'));
  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {t('app.loadFailed')}
      </h1>
      <p role="alert" className="alert" data-testid={testId}>
        {sentence(errorText(error, lang, t))}
      </p>
      {retry && (
        <button type="button" className="button button--primary" onClick={retry}>
          {t('app.retry')}
        </button>
      )}
      {back && (
        <p>
          <Link to={back.to}>{back.label}</Link>
        </p>
      )}
    </div>
  );
}

export function NotFound({ title, body, back, backLabel }: { title: string; body: string; back: string; backLabel: string }) {
  const ref = usePageTitle(title);
  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {title}
      </h1>
      <p>{body}</p>
      <p>
        <Link to={back}>{backLabel}</Link>
      </p>
    </div>
  );
}

export interface SignInTexts {
  title: string;
  intro: string;
  button: string;
  note: string;
  sessionEnded: string;
}

/**
 * Before sign-in: what the area is, and "Sign in with eID" — a link to the server's /portal/login,
 * which comes back to this address (the eID pages in the page's language). `children` go above
 * the button (a failed sign-in's reason).
 */
export function EidSignIn({ path, ended, focus, texts, children }: { path: string; ended: boolean; focus?: boolean; texts: SignInTexts; children?: ReactNode }) {
  const { lang } = useI18n();
  const ref = usePageTitle(texts.title, { focusOnMount: focus ?? ended });
  const href = `/portal/login?returnTo=${encodeURIComponent(path)}${lang === 'en' ? '&lang=en' : ''}`;
  return (
    <div className="signin portal-signin">
      <h1 ref={ref} tabIndex={-1}>
        {texts.title}
      </h1>
      <p className="signin__intro">{texts.intro}</p>
      <div role="status" className={ended ? 'notice' : 'visually-hidden'}>
        {ended ? texts.sessionEnded : ''}
      </div>
      {children}
      <p>
        <a className="button button--primary portal-signin__button" href={href}>
          {texts.button}
        </a>
      </p>
      <p className="form__note">{texts.note}</p>
    </div>
  );
}

export interface ShellTexts {
  brand: string;
  /** "eID level n" of the signed-in citizen. */
  level: string;
  signOut: string;
}

/**
 * The header (name, language; once signed in: `bar`, the eID level and sign-out), the area's
 * menu, the page. Signing out is a server route: it ends the session here and at the eID
 * provider, then comes back.
 */
export function CitizenShell({ texts, home, signedIn, bar, nav, area, mainKey, children }: {
  texts: ShellTexts;
  home: string;
  signedIn: boolean;
  bar?: ReactNode;
  nav?: { label: string; items: ReadonlyArray<{ to: string; label: string; current: boolean }> } | null;
  /** The area's class on the header and main (`partner`: partner-header, partner-main). */
  area?: string;
  mainKey?: string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className={area ? `app-header portal-header ${area}-header` : 'app-header portal-header'}>
        <div className="app-header__inner">
          {signedIn ? (
            <Link to={home} className="brand">
              {texts.brand}
            </Link>
          ) : (
            <p className="brand">{texts.brand}</p>
          )}
          <LanguageSwitch />
        </div>
        {signedIn && (
          <div className={area ? `app-header__inner app-header__officer ${area}-header__bar` : 'app-header__inner app-header__officer'}>
            {bar}
            <p className="portal-level" data-testid={`${area ?? 'portal'}-level`}>
              {texts.level}
            </p>
            <a href="/portal/logout" className="button button--quiet portal-signout">
              {texts.signOut}
            </a>
          </div>
        )}
      </header>
      {nav && (
        <nav aria-label={nav.label} className="portal-nav">
          <ul>
            {nav.items.map((i) => (
              <li key={i.to}>
                <Link to={i.to} aria-current={i.current ? 'page' : undefined}>
                  {i.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" tabIndex={-1} className={area ? `portal-main ${area}-main` : 'portal-main'} key={mainKey}>
        {children}
      </main>
    </>
  );
}
