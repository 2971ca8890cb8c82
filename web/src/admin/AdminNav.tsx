import { Link } from '../app/router.tsx';
import { useText } from './text.ts';

export type AdminSection = 'officers' | 'clients' | 'members' | 'usage';

/** The admin module's own pages. */
export function AdminNav({ current }: { current: AdminSection | null }) {
  const { dt } = useText();
  const link = (section: AdminSection, to: string, label: string) => (
    <li>
      <Link to={to} aria-current={current === section ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  return (
    <nav aria-label={dt('nav.label')} className="subnav">
      <ul>
        {link('officers', '/admin/officers', dt('nav.officers'))}
        {link('clients', '/admin/oidc-clients', dt('nav.clients'))}
        {link('members', '/admin/exchange/members', dt('nav.members'))}
        {link('usage', '/admin/exchange/usage', dt('nav.usage'))}
      </ul>
    </nav>
  );
}
