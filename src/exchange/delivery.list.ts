/** The list of webhook deliveries to some systems (one system's own, or a member's in the partner console), paged. */
import { sql, type Kysely } from 'kysely';
import { deliveryView, type DeliveryRow } from './events.service.ts';
import { orderBy, pageOf, type Page, type PageRequest, type SortParam } from '../platform/http/paging.ts';

export const DELIVERY_SORTS = ['createdAt', 'occurredAt'] as const;
const DELIVERY_ORDER = { createdAt: [sql`created_at`], occurredAt: [sql`occurred_at`] };

export interface DeliveryFilter {
  status?: DeliveryRow['status'];
  subscriptionId?: string;
}

/** Each system's first rows through its index (system, status?, time), then the page across them. */
export async function deliveryPage(db: Kysely<any>, systemIds: readonly string[], f: DeliveryFilter, p: PageRequest<SortParam<(typeof DELIVERY_SORTS)[number]>>): Promise<Page<ReturnType<typeof deliveryView> & { systemId: string }>> {
  if (!systemIds.length) return pageOf([], p, (d: DeliveryRow) => ({ ...deliveryView(d), systemId: d.system_id }));
  const order = orderBy(p.sort, DELIVERY_ORDER, sql`id`);
  const { rows } = await sql<DeliveryRow>`
    select d.* from unnest(${systemIds as string[]}::text[]) as s(sid)
    cross join lateral (
      select * from exchange.delivery where system_id = s.sid
        ${f.status ? sql`and status = ${f.status}` : sql``} ${f.subscriptionId ? sql`and subscription_id = ${f.subscriptionId}::uuid` : sql``}
      ${order} limit ${p.offset + p.limit + 1}) d
    ${order} limit ${p.limit + 1} offset ${p.offset}`.execute(db);
  return pageOf(rows, p, (d) => ({ ...deliveryView(d), systemId: d.system_id }));
}
