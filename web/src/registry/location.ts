import { useSyncExternalStore } from 'react';
import { navigate } from '../app/router.tsx';

/**
 * The query string of the address, for pages that keep their state in it (search). The app's
 * router follows the path only; this follows `?…` too, through back/forward and our own moves.
 */
const listeners = new Set<() => void>();

function subscribe(l: () => void): () => void {
  listeners.add(l);
  window.addEventListener('popstate', l);
  return () => {
    listeners.delete(l);
    window.removeEventListener('popstate', l);
  };
}

export function useLocationSearch(): string {
  return useSyncExternalStore(subscribe, () => window.location.search);
}

/** Navigates (new history entry) and tells the pages that read the query string. */
export function navigateWithQuery(to: string): void {
  navigate(to);
  for (const l of listeners) l();
}
