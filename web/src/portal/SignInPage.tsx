import { EidSignIn } from '../app/citizen.tsx';
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
  const { pt } = useText();
  const error = new URLSearchParams(window.location.search).get('signin_error');
  const errorKey = error ? KNOWN_ERRORS[error] : undefined;
  const texts = { title: pt('signIn.title'), intro: pt('signIn.intro'), button: pt('signIn.button'), note: pt('signIn.note'), sessionEnded: pt('signIn.sessionEnded') };
  return (
    <EidSignIn path={path} ended={ended && !error} focus={ended || !!error} texts={texts}>
      <div role="alert" className={error ? 'alert' : 'visually-hidden'} data-testid="portal-signin-error">
        {error ? (
          <>
            <p className="alert__title">{pt('signIn.errorTitle')}</p>
            <p>{errorKey ? pt(errorKey) : pt('signIn.error.other', { code: error.slice(0, 60) })}</p>
          </>
        ) : null}
      </div>
    </EidSignIn>
  );
}
