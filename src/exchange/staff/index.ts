/**
 * The partner console (issue 7) on the data exchange: staff of member organisations, their
 * console API, and the exchange services shared with the exchange module (one runner, meter and
 * directory per platform).
 */
import type { Platform } from '../../platform/platform.ts';
import { exchangeServices, type ExchangeServices } from '../exchange.routes.ts';

export { partnerConsoleModule } from './staff.routes.ts';
export { PartnerConsoleService, maskIdNumber, grantStatus, type Access } from './staff.service.ts';
export { staffStore, STAFF_ROLES, type StaffRole, type StaffRow } from './staff.store.ts';

const shared = new WeakMap<Platform, ExchangeServices>();

/**
 * The exchange services of a platform, made once: the exchange module and the partner console
 * must share them (the bulk runner a console upload wakes, the usage meter, the caches).
 */
export function sharedExchangeServices(p: Platform): ExchangeServices {
  let s = shared.get(p);
  if (!s) {
    s = exchangeServices(p);
    shared.set(p, s);
  }
  return s;
}
