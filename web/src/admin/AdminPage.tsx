import { NotFoundPage } from '../app/NotFoundPage.tsx';
import { usePageTitle } from '../app/page.ts';
import { Link, matchPath } from '../app/router.tsx';
import '../styles/registry.css';
import '../styles/admin.css';
import { AdminNav } from './AdminNav.tsx';
import { ClientFormPage } from './ClientFormPage.tsx';
import { ClientsPage } from './ClientsPage.tsx';
import { OfficerFormPage } from './OfficerFormPage.tsx';
import { OfficersPage } from './OfficersPage.tsx';
import { useText } from './text.ts';

/** The admin module (loaded on first visit, administrators only): officers and OpenID Connect clients. */
export default function AdminPage({ path }: { path: string }) {
  if (path === '/admin') return <AdminHome />;
  if (path === '/admin/officers') return <OfficersPage />;
  if (path === '/admin/officers/new') return <OfficerFormPage key="new" officerId={null} />;
  const officer = matchPath('/admin/officers/:id', path);
  if (officer) return <OfficerFormPage key={officer.id} officerId={officer.id!} />;
  if (path === '/admin/oidc-clients') return <ClientsPage />;
  if (path === '/admin/oidc-clients/new') return <ClientFormPage />;
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
      </ul>
    </div>
  );
}
