import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { lazyModule } from './app/modules.ts';
import { usePath } from './app/router.tsx';
import { I18nProvider } from './i18n/i18n.tsx';
import './styles/app.css';

/**
 * The citizen portal under /portal is a part of its own, loaded only there (with a "loading" and
 * a "could not load" state like the console's modules): citizens never run the officer console.
 * /portal/login, /portal/callback and /portal/logout are server routes, reached by ordinary links.
 */
const PortalApp = lazyModule(() => import('./portal/PortalApp.tsx'));
/** The partner console under /partner, for staff of data-exchange members: its own chunk too, signed in with eID. */
const PartnerApp = lazyModule(() => import('./partner/PartnerApp.tsx'));

function isPortalPath(path: string): boolean {
  return path === '/portal' || path.startsWith('/portal/');
}

function isPartnerPath(path: string): boolean {
  return path === '/partner' || path.startsWith('/partner/');
}

function Entry() {
  const path = usePath();
  if (isPortalPath(path)) return <PortalApp path={path} />;
  if (isPartnerPath(path)) return <PartnerApp path={path} />;
  return <App />;
}

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <Entry />
    </I18nProvider>
  </StrictMode>,
);
