import { usePageTitle } from '../app/page.ts';
import { useText, type PlainKey } from './text.ts';

const KNOWN_ERRORS: Record<string, PlainKey> = {
  access_denied: 'signIn.error.access_denied',
  unmet_authentication_requirements: 'signIn.error.unmet_authentication_requirements',
  expired: 'signIn.error.expired',
  exchange: 'signIn.error.exchange',
};

/**
 * Before sign-in: what the portal is, and "Sign in with eID" — an ordinary link to the server's
 * /portal/login, which sends the browser to the eID sign-in pages and back to this address. A
 * failed or cancelled sign-in comes back as `?signin_error=…`.
 */
export function SignInPage({ path, ended }: { path: string; ended: boolean }) {
  const { pt, lang } = useText();
  const error = new URLSearchParams(window.location.search).get('signin_error');
  const ref = usePageTitle(pt('signIn.title'), { focusOnMount: ended || !!error });
  // Back to this page after sign-in; the eID pages open in the portal's language.
  const href = `/portal/login?returnTo=${encodeURIComponent(path)}${lang === 'en' ? '&lang=en' : ''}`;
  const errorKey = error ? KNOWN_ERRORS[error] : undefined;

  return (
    <div className="signin portal-signin">
      <h1 ref={ref} tabIndex={-1}>
        {pt('signIn.title')}
      </h1>
      <p className="signin__intro">{pt('signIn.intro')}</p>
      <div role="status" className={ended && !error ? 'notice' : 'visually-hidden'}>
        {ended && !error ? pt('signIn.sessionEnded') : ''}
      </div>
      <div role="alert" className={error ? 'alert' : 'visually-hidden'} data-testid="portal-signin-error">
        {error ? (
          <>
            <p className="alert__title">{pt('signIn.errorTitle')}</p>
            <p>{errorKey ? pt(errorKey) : pt('signIn.error.other', { code: error.slice(0, 60) })}</p>
          </>
        ) : null}
      </div>
      <p>
        <a className="button button--primary portal-signin__button" href={href}>
          {pt('signIn.button')}
        </a>
      </p>
      <p className="form__note">{pt('signIn.note')}</p>
    </div>
  );
}
