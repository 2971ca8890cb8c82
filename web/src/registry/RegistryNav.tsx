import { Link } from '../app/router.tsx';
import { useOfficer } from '../auth/session.tsx';
import { useText, type PlainKey } from './text.ts';

type Page = 'search' | 'birth' | 'household' | 'review';

/** The registry's own pages: search for everyone who may read, birth registration and a new household for registrars, the review queues for registrars and supervisors. */
const PAGES: ReadonlyArray<{ page: Page; to: string; label: PlainKey; roles?: readonly string[] }> = [
  { page: 'search', to: '/registry', label: 'nav.search' },
  { page: 'birth', to: '/registry/births/new', label: 'nav.birth', roles: ['registrar'] },
  { page: 'household', to: '/registry/households/new', label: 'hhNew.title', roles: ['registrar'] },
  { page: 'review', to: '/registry/review', label: 'nav.review', roles: ['registrar', 'supervisor'] },
];

export function RegistryNav({ current }: { current: Page | null }) {
  const { rt } = useText();
  const officer = useOfficer();
  return (
    <nav aria-label={rt('nav.label')} className="subnav">
      <ul>
        {PAGES.filter((p) => !p.roles || officer.roles.some((r) => p.roles!.includes(r))).map((p) => (
          <li key={p.page}>
            <Link to={p.to} aria-current={current === p.page ? 'page' : undefined}>
              {rt(p.label)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
