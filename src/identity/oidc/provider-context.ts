/**
 * oidc-provider keeps each request's Koa context in an AsyncLocalStorage, switched on by its
 * first request and never off. On Node 20 (and 22 without async context frames) an enabled
 * AsyncLocalStorage installs promise hooks that run for every promise of the process. Every data
 * exchange check and registry read then pays for them, although only the provider's own requests
 * read the store: about 10 % of verification throughput (BENCHMARKS.md, session 6). The hooks
 * are switched off when no provider request is in flight; the provider's next request switches
 * them on again (its `run`).
 */
import providerStore from 'oidc-provider/lib/helpers/als.js';

let inFlight = 0;

/** Runs one request through the provider; the last one to finish switches the store's hooks off. */
export async function throughProvider(handle: () => unknown): Promise<void> {
  inFlight++;
  try {
    await handle();
  } finally {
    if (--inFlight === 0) providerStore.disable();
  }
}

/** Whether the provider's store (and so its promise hooks) is on now; for tests. */
export function providerStoreEnabled(): boolean {
  return (providerStore as unknown as { enabled?: boolean }).enabled === true;
}
