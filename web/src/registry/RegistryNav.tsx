import { Link } from '../app/router.tsx';
import { useOfficer } from '../auth/session.tsx';
import { useText } from './text.ts';

/** The registry's own pages: search for everyone who may read, birth registration for registrars. */
export function RegistryNav({ current }: { current: 'search' | 'birth' | 'review' | null }) {
  const { rt } = useText();
  const officer = useOfficer();
  return (
    <nav aria-label={rt('nav.label')} className="subnav">
      <ul>
        <li>
          <Link to="/registry" aria-current={current === 'search' ? 'page' : undefined}>
            {rt('nav.search')}
          </Link>
        </li>
        {officer.roles.includes('registrar') && (
          <li>
            <Link to="/registry/births/new" aria-current={current === 'birth' ? 'page' : undefined}>
              {rt('nav.birth')}
            </Link>
          </li>
        )}
        {officer.roles.some((r) => r === 'registrar' || r === 'supervisor') && (
          <li>
            <Link to="/registry/review" aria-current={current === 'review' ? 'page' : undefined}>
              {rt('nav.review')}
            </Link>
          </li>
        )}
      </ul>
    </nav>
  );
}
