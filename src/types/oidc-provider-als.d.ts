// oidc-provider's own AsyncLocalStorage (lib/helpers/als.js), which holds each request's Koa context.
declare module 'oidc-provider/lib/helpers/als.js' {
  import type { AsyncLocalStorage } from 'node:async_hooks';
  const als: AsyncLocalStorage<unknown>;
  export default als;
}
