import { NotFoundPage } from '../app/NotFoundPage.tsx';
import { usePageTitle } from '../app/page.ts';
import { Link, matchPath } from '../app/router.tsx';
import '../styles/registry.css';
import '../styles/admin.css';
import { AdminNav } from './AdminNav.tsx';
import { ClientFormPage } from './ClientFormPage.tsx';
import { ClientsPage } from './ClientsPage.tsx';
import { GrantFormPage } from './GrantFormPage.tsx';
import { MemberFormPage } from './MemberFormPage.tsx';
import { MemberPage } from './MemberPage.tsx';
import { MembersPage } from './MembersPage.tsx';
import { OfficerFormPage } from './OfficerFormPage.tsx';
import { OfficersPage } from './OfficersPage.tsx';
import { SystemFormPage } from './SystemFormPage.tsx';
import { SystemPage } from './SystemPage.tsx';
import { UsagePage } from './UsagePage.tsx';
import { useText } from './text.ts';

/**
 * The admin module (loaded on first visit, administrators only): officers, OpenID Connect clients,
 * and the data exchange's members, systems, grants, usage and anomalies.
 */
export default function AdminPage({ path }: { path: string }) {
  if (path === '/admin') return <AdminHome />;
  if (path === '/admin/officers') return <OfficersPage />;
  if (path === '/admin/officers/new') return <OfficerFormPage key="new" officerId={null} />;
  const officer = matchPath('/admin/officers/:id', path);
  if (officer) return <OfficerFormPage key={officer.id} officerId={officer.id!} />;
  if (path === '/admin/oidc-clients') return <ClientsPage />;
  if (path === '/admin/oidc-clients/new') return <ClientFormPage />;
  if (path === '/admin/exchange' || path === '/admin/exchange/members') return <MembersPage />;
  if (path === '/admin/exchange/members/new') return <MemberFormPage />;
  if (path === '/admin/exchange/usage') return <UsagePage />;
  const member = matchPath('/admin/exchange/members/:id', path);
  if (member) return <MemberPage key={member.id} memberId={member.id!} />;
  const newSystem = matchPath('/admin/exchange/members/:id/systems/new', path);
  if (newSystem) return <SystemFormPage key={newSystem.id} memberId={newSystem.id!} />;
  const system = matchPath('/admin/exchange/systems/:id', path);
  if (system) return <SystemPage key={system.id} systemId={system.id!} />;
  const newGrant = matchPath('/admin/exchange/systems/:id/grants/new', path);
  if (newGrant) return <GrantFormPage key={newGrant.id} systemId={newGrant.id!} />;
  return <NotFoundPage path={path} />;
}

function AdminHome() {
  const { dt } = useText();
  const ref = usePageTitle(dt('title'));
  return (
    <div className="admin">
      <AdminNav current={null} />
      <h1 ref={ref} tabIndex={-1}>
        {dt('title')}
      </h1>
      <p className="lead">{dt('intro')}</p>
      <ul className="module-list panel">
        <li>
          <Link to="/admin/officers">{dt('officers.title')}</Link>
          <span className="muted">{dt('officers.intro')}</span>
        </li>
        <li>
          <Link to="/admin/oidc-clients">{dt('clients.title')}</Link>
          <span className="muted">{dt('clients.intro')}</span>
        </li>
        <li>
          <Link to="/admin/exchange/members">{dt('x.members.title')}</Link>
          <span className="muted">{dt('x.members.intro')}</span>
        </li>
        <li>
          <Link to="/admin/exchange/usage">{dt('x.usage.title')}</Link>
          <span className="muted">{dt('x.usage.intro')}</span>
        </li>
      </ul>
    </div>
  );
}
