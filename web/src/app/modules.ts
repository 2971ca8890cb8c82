import type { ComponentType } from 'react';
import type { Role } from '../auth/auth.types.ts';
import type { MessageKey } from '../i18n/messages.ts';

/**
 * The modules of the officer app, in menu order. A module whose `page` is null is not built yet:
 * the menu shows it disabled and marked "coming soon", and its address answers "not found".
 * Later work sets `page` (ideally `lazy(() => import('../registry/RegistryPage.tsx'))`, so each
 * module loads only when opened) and may set `roles` to show it only to those roles.
 */
export interface AppModule {
  id: 'population' | 'cards' | 'eid' | 'exchange' | 'audit';
  labelKey: Extract<MessageKey, `nav.${string}`>;
  /** Base path; the module's own routes live under it. */
  path: string;
  page: ComponentType<{ path: string }> | null;
  roles?: readonly Role[];
}

export const appModules: readonly AppModule[] = [
  { id: 'population', labelKey: 'nav.population', path: '/population', page: null },
  { id: 'cards', labelKey: 'nav.cards', path: '/cards', page: null },
  { id: 'eid', labelKey: 'nav.eid', path: '/eid', page: null },
  { id: 'exchange', labelKey: 'nav.exchange', path: '/exchange', page: null },
  { id: 'audit', labelKey: 'nav.audit', path: '/audit', page: null },
];

/** The modules an officer sees: all, or those listing one of the officer's roles. */
export function modulesFor(roles: readonly string[]): readonly AppModule[] {
  return appModules.filter((m) => !m.roles || m.roles.some((r) => roles.includes(r)));
}

/** The built module whose path is `path` or a prefix of it. */
export function moduleAt(path: string, roles: readonly string[]): AppModule | null {
  return modulesFor(roles).find((m) => m.page && (path === m.path || path.startsWith(`${m.path}/`))) ?? null;
}
