import type { Kysely } from 'kysely';
import type { Localised } from '../platform/i18n/lang.ts';
import { exchangeStore } from './exchange.store.ts';

/**
 * The data exchange manages the OAuth clients of its member systems (their keys' history, their
 * status with the system's): the general client admin is told so and leaves them alone.
 */
export async function exchangeManagesClient(db: Kysely<any>, clientId: string): Promise<Localised | null> {
  const s = await exchangeStore.systemByClient(db, clientId);
  return s ? { vi: `trang quản trị khai thác dữ liệu (hệ thống ${s.name})`, en: `the data-exchange administration (system ${s.name})` } : null;
}
