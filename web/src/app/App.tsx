import { errorText } from '../api/error-text.ts';
import { SessionProvider, useSession } from '../auth/session.tsx';
import { SignInPage } from '../auth/SignInPage.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Layout } from './Layout.tsx';
import { usePageTitle } from './page.ts';
import { PublicLayout } from './PublicLayout.tsx';

/** The officer console (inside the I18nProvider of main.tsx). */
export function App() {
  return (
    <SessionProvider>
      <Root />
    </SessionProvider>
  );
}

/** Signed in → the shell; signed out → sign-in (at whatever address, which opens after sign-in). */
function Root() {
  const { state } = useSession();
  switch (state.kind) {
    case 'loading':
      return <Loading />;
    case 'unavailable':
      return (
        <PublicLayout>
          <Unavailable error={state.error} />
        </PublicLayout>
      );
    case 'signed-out':
      return (
        <PublicLayout>
          <SignInPage notice={state.notice} />
        </PublicLayout>
      );
    case 'signed-in':
      return <Layout />;
  }
}

function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('app.loading')}
    </p>
  );
}

function Unavailable({ error }: { error: unknown }) {
  const { t, lang } = useI18n();
  const { reload } = useSession();
  const ref = usePageTitle(t('error.startup'));
  return (
    <div className="signin">
      <h1 ref={ref} tabIndex={-1}>
        {t('error.startup')}
      </h1>
      <p role="alert" className="alert">
        {errorText(error, lang, t)}
      </p>
      <button type="button" className="button button--primary" onClick={reload}>
        {t('app.retry')}
      </button>
    </div>
  );
}
