import { Link } from '../app/router.tsx';
import { useText } from './text.ts';

/** The admin module's own pages. */
export function AdminNav({ current }: { current: 'officers' | 'clients' | null }) {
  const { dt } = useText();
  return (
    <nav aria-label={dt('nav.label')} className="subnav">
      <ul>
        <li>
          <Link to="/admin/officers" aria-current={current === 'officers' ? 'page' : undefined}>
            {dt('nav.officers')}
          </Link>
        </li>
        <li>
          <Link to="/admin/oidc-clients" aria-current={current === 'clients' ? 'page' : undefined}>
            {dt('nav.clients')}
          </Link>
        </li>
      </ul>
    </nav>
  );
}
