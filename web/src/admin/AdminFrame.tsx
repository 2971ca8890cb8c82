import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { LoadState } from '../ui/load.tsx';
import { AdminNav, type AdminSection } from './AdminNav.tsx';

/**
 * An admin page before its subject is there: the heading, and "Loading…" or why it could not be
 * read with "Try again" (`l`), or the way back when there is no such subject (`back`).
 */
export function AdminFrame({ current, title, l, back }: { current: AdminSection; title: string; l?: { state: string; error?: unknown; retry(): void }; back?: { to: string; label: string } }) {
  const ref = usePageTitle(title);
  return (
    <div className="admin">
      <AdminNav current={current} />
      <h1 ref={ref} tabIndex={-1}>
        {title}
      </h1>
      {l && <LoadState l={l} title={null} />}
      {back && (
        <p>
          <Link to={back.to}>{back.label}</Link>
        </p>
      )}
    </div>
  );
}
