import { useId, useState } from 'react';
import { usePageTitle } from '../app/page.ts';
import { Fact } from '../ui/fields.tsx';
import { formatInstant } from '../ui/format.ts';
import { formatNumber } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { PagedTable, usePagedList, type Column } from '../ui/table.tsx';
import { listDeliveries, listSubscriptions, type Delivery, type DeliveryStatus } from './partner.api.ts';
import { useMember } from './PartnerApp.tsx';
import { StatusFilter } from './StatusFilter.tsx';
import { textOf, useText } from './text.ts';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'sending', 'delivered', 'failed'];
const PAGE = 20;

/** Event subscriptions of the member's systems and the deliveries, a page at a time: status, attempts, next retry, last error. */
export function DeliveriesPage() {
  const { xt, lang } = useText();
  const { member } = useMember();
  const id = useId();
  const ref = usePageTitle(xt('deliveries.title'));
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const subs = useApi((signal) => listSubscriptions(member.id, { signal }), [member.id]);
  const paged = usePagedList((p, signal) => listDeliveries(member.id, { ...p, status }, { signal }), { limit: PAGE, sort: { key: 'createdAt', dir: 'desc' }, filters: [member.id, status] });
  const deliveries = paged.list;
  const page = deliveries.state === 'ready' ? deliveries.value : null;
  const topic = (code: string) => textOf(xt, `topic.${code}`, code);

  const columns: Array<Column<Delivery, 'createdAt' | 'occurredAt'>> = [
    { label: xt('del.occurred'), sort: 'occurredAt', cell: (d) => formatInstant(d.occurredAt) },
    { label: xt('del.topic'), cell: (d) => topic(d.topic) },
    { label: xt('del.person'), cell: (d) => <code>{d.idNumber}</code> },
    { label: xt('del.system'), cell: (d) => d.systemName },
    { label: xt('del.status'), cell: (d) => (
      <>
        <span className={d.status === 'delivered' ? 'badge badge--ok' : d.status === 'failed' ? 'badge partner-badge--failed' : 'badge'}>{xt(`deliveryStatus.${d.status}`)}</span>
        {d.deliveredAt && <span className="muted"> {formatInstant(d.deliveredAt)}</span>}
      </>
    ) },
    { label: xt('del.attempts'), cell: (d) => d.attempts },
    { label: xt('del.next'), cell: (d) => (d.nextAttemptAt ? formatInstant(d.nextAttemptAt) : '—') },
    { label: xt('del.lastError'), cell: (d) => (d.lastError ? `${d.lastError}${d.lastStatus && !d.lastError.includes(String(d.lastStatus)) ? ` (HTTP ${d.lastStatus})` : ''}` : '—') },
    { label: xt('del.created'), sort: 'createdAt', cell: (d) => formatInstant(d.createdAt) },
  ];

  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {xt('deliveries.title')}
      </h1>
      <p className="lead">{xt('deliveries.lead')}</p>

      <section className="panel" aria-labelledby={`${id}-subs`} data-testid="subscriptions">
        <h2 id={`${id}-subs`}>{xt('subs.title')}</h2>
        <LoadState l={subs} />
        {subs.state === 'ready' &&
          (subs.value.items.length ? (
            <ul className="portal-list">
              {subs.value.items.map((s) => (
                <li key={s.id} className="portal-item" data-testid="subscription">
                  <h3 className="portal-item__title">
                    {s.systemName} <span className={s.status === 'active' ? 'badge badge--ok' : 'badge'}>{xt(s.status === 'active' ? 'subStatus.active' : 'subStatus.cancelled')}</span>
                  </h3>
                  <dl className="facts facts--compact">
                    <Fact term={xt('subs.url')}>
                      <code>{s.url}</code>
                    </Fact>
                    <Fact term={xt('subs.topics')}>{s.topics.map(topic).join(', ')}</Fact>
                    <Fact term={xt('subs.watched')}>{formatNumber(s.watched ?? 0, lang)}</Fact>
                  </dl>
                </li>
              ))}
            </ul>
          ) : (
            <p>{xt('subs.none')}</p>
          ))}
      </section>

      <section className="panel" aria-labelledby={`${id}-del`} data-testid="deliveries">
        <h2 id={`${id}-del`}>{xt('del.title')}</h2>
        <StatusFilter id={`${id}-status`} label={xt('del.filters')} statuses={STATUSES} text={(s) => xt(`deliveryStatus.${s}`)} applied={status} onApply={(s) => (s === status ? deliveries.retry() : setStatus(s))} />
        {!page && <LoadState l={deliveries} />}
        {page && (
          <>
            <p className="results__status" role="status" data-testid="deliveries-status">
              {page.items.length ? xt('del.count', { from: page.offset + 1, to: page.offset + page.items.length }) : xt('del.none')}
            </p>
            {page.items.length > 0 && <PagedTable paged={paged} columns={columns} labelledBy={`${id}-del`} className="partner-deliveries" testId="deliveries-table" rowKey={(d) => d.id} rowProps={(d) => ({ 'data-testid': 'delivery', 'data-status': d.status })} />}
          </>
        )}
      </section>
    </div>
  );
}
