import { NotFoundPage } from '../app/NotFoundPage.tsx';
import { Link } from '../app/router.tsx';
import { useOfficer } from '../auth/session.tsx';
import '../styles/registry.css';
import '../styles/eid.css';
import { CounterPage } from './CounterPage.tsx';
import { LookupPage } from './LookupPage.tsx';
import { useText } from './text.ts';

/** The eID console (loaded on first visit): level 2 at the counter (card officers) and account lookup (card officers, supervisors). */
export default function EidPage({ path }: { path: string }) {
  const { et } = useText();
  const officer = useOfficer();
  const counter = officer.roles.includes('card_officer');
  const showCounter = counter && (path === '/eid' || path === '/eid/counter');
  const showLookup = path === '/eid/accounts' || (!counter && path === '/eid');
  if (!showCounter && !showLookup) return <NotFoundPage path={path} />;
  return (
    <>
      {counter && (
        <nav className="eid-tabs" aria-label={et('nav.label')}>
          <Link to="/eid" aria-current={showCounter ? 'page' : undefined}>
            {et('nav.counter')}
          </Link>
          <Link to="/eid/accounts" aria-current={showLookup ? 'page' : undefined}>
            {et('nav.lookup')}
          </Link>
        </nav>
      )}
      {showCounter ? <CounterPage /> : <LookupPage />}
    </>
  );
}
