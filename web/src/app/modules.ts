import { Component, createElement, lazy, Suspense, type ComponentType, type ErrorInfo, type ReactNode } from 'react';
import type { Role } from '../auth/auth.types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';

/**
 * The modules of the officer app, in menu order. A module whose `page` is null is not built yet:
 * the menu shows it disabled and marked "coming soon", and its address answers "not found".
 * A built module's page is `lazyModule(() => import('../<module>/<Module>Page.tsx'))`, so its
 * code (and its texts) load only when it is first opened; `roles` shows it only to those roles.
 */
export interface AppModule {
  id: 'population' | 'cards' | 'eid' | 'exchange' | 'audit' | 'admin';
  labelKey: Extract<MessageKey, `nav.${string}`>;
  /** Base path; the module's own routes live under it. */
  path: string;
  page: ComponentType<{ path: string }> | null;
  roles?: readonly Role[];
}

type ModulePage = ComponentType<{ path: string }>;

function ModuleLoading() {
  const { t } = useI18n();
  return createElement('p', { className: 'loading', role: 'status' }, t('app.loading'));
}

function ModuleFailed() {
  const { t } = useI18n();
  return createElement(
    'div',
    { role: 'alert', className: 'alert' },
    createElement('p', { className: 'alert__title' }, t('app.moduleFailed')),
    createElement('p', null, createElement('button', { type: 'button', className: 'button button--primary', onClick: () => window.location.reload() }, t('app.reload'))),
  );
}

/** A module that cannot load (offline, or a new release replaced its chunk) says so instead of a blank page. */
class ModuleBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('module failed', error, info.componentStack);
  }
  override render(): ReactNode {
    return this.state.failed ? createElement(ModuleFailed) : this.props.children;
  }
}

/** The page of a module in a chunk of its own, loaded on first visit. */
export function lazyModule(load: () => Promise<{ default: ModulePage }>): ModulePage {
  const Page = lazy(load);
  return function LazyModulePage({ path }: { path: string }) {
    return createElement(ModuleBoundary, null, createElement(Suspense, { fallback: createElement(ModuleLoading) }, createElement(Page, { path })));
  };
}

/** Officers who may search and read the registry (READ_ROLES in src/registry/registry.queries.ts). */
const REGISTRY_READERS: readonly Role[] = ['registrar', 'supervisor', 'card_officer', 'service_officer'];

/** Officers who issue cards and change their status (the card routes in src/cards/cards.routes.ts). */
const CARD_OFFICERS: readonly Role[] = ['card_officer'];

/** Card officers verify level 2 at the counter; supervisors and card officers read, suspend and reactivate accounts (src/identity/accounts/accounts.routes.ts). */
const EID_OFFICERS: readonly Role[] = ['card_officer', 'supervisor'];

/** Officers and OpenID Connect clients (the admin routes in platform.routes.ts and oidc.module.ts). */
const ADMINS: readonly Role[] = ['admin'];

/** Auditors search the log; admins may only verify the chain (src/platform/http/platform.routes.ts). */
const AUDIT_ROLES: readonly Role[] = ['auditor', 'admin'];

export const appModules: readonly AppModule[] = [
  { id: 'population', labelKey: 'nav.population', path: '/registry', page: lazyModule(() => import('../registry/RegistryPage.tsx')), roles: REGISTRY_READERS },
  { id: 'cards', labelKey: 'nav.cards', path: '/cards', page: lazyModule(() => import('../cards/CardsPage.tsx')), roles: CARD_OFFICERS },
  { id: 'eid', labelKey: 'nav.eid', path: '/eid', page: lazyModule(() => import('../eid/EidPage.tsx')), roles: EID_OFFICERS },
  { id: 'exchange', labelKey: 'nav.exchange', path: '/exchange', page: null },
  { id: 'audit', labelKey: 'nav.audit', path: '/audit', page: lazyModule(() => import('../audit/AuditPage.tsx')), roles: AUDIT_ROLES },
  { id: 'admin', labelKey: 'nav.admin', path: '/admin', page: lazyModule(() => import('../admin/AdminPage.tsx')), roles: ADMINS },
];

/** The modules an officer sees: all, or those listing one of the officer's roles. */
export function modulesFor(roles: readonly string[]): readonly AppModule[] {
  return appModules.filter((m) => !m.roles || m.roles.some((r) => roles.includes(r)));
}

/** The built module whose path is `path` or a prefix of it. */
export function moduleAt(path: string, roles: readonly string[]): AppModule | null {
  return modulesFor(roles).find((m) => m.page && (path === m.path || path.startsWith(`${m.path}/`))) ?? null;
}
