import { useId, useState, type FormEvent } from 'react';
import { usePageTitle } from '../app/page.ts';
import { Fact, FormField } from '../ui/fields.tsx';
import { formatInstant } from '../ui/format.ts';
import { formatNumber, LoadState, useApi } from './load.tsx';
import { listDeliveries, listSubscriptions, type Delivery, type DeliveryStatus } from './partner.api.ts';
import { useMember } from './PartnerApp.tsx';
import { textOf, useText } from './text.ts';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'sending', 'delivered', 'failed'];

/** Event subscriptions of the member's systems and the deliveries: status, attempts, next retry, last error. */
export function DeliveriesPage() {
  const { xt, lang } = useText();
  const { member } = useMember();
  const id = useId();
  const ref = usePageTitle(xt('deliveries.title'));
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [applied, setApplied] = useState<DeliveryStatus | ''>('');
  const subs = useApi((signal) => listSubscriptions(member.id, { signal }), [member.id]);
  const deliveries = useApi((signal) => listDeliveries(member.id, applied, { signal }), [member.id, applied]);
  const topic = (code: string) => textOf(xt, `topic.${code}`, code);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (status === applied) deliveries.retry();
    else setApplied(status);
  };

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
        <form className="form form--inline" noValidate onSubmit={submit} role="search" aria-label={xt('del.title')}>
          <FormField id={`${id}-status`} label={xt('del.filter')}>
            {(p) => (
              <select {...p} name="status" value={status} onChange={(e) => setStatus(e.currentTarget.value as DeliveryStatus | '')}>
                <option value="">{xt('del.any')}</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {xt(`deliveryStatus.${s}`)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <button type="submit" className="button button--secondary">
            {xt('del.apply')}
          </button>
        </form>
        {deliveries.state !== 'ready' && <LoadState l={deliveries} />}
        {deliveries.state === 'ready' &&
          (deliveries.value.items.length ? (
            <table className="portal-table partner-deliveries" data-testid="deliveries-table">
              <thead>
                <tr>
                  <th scope="col">{xt('del.occurred')}</th>
                  <th scope="col">{xt('del.topic')}</th>
                  <th scope="col">{xt('del.person')}</th>
                  <th scope="col">{xt('del.system')}</th>
                  <th scope="col">{xt('del.status')}</th>
                  <th scope="col">{xt('del.attempts')}</th>
                  <th scope="col">{xt('del.next')}</th>
                  <th scope="col">{xt('del.lastError')}</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.value.items.map((d) => (
                  <DeliveryRow key={d.id} d={d} topic={topic(d.topic)} />
                ))}
              </tbody>
            </table>
          ) : (
            <p>{xt('del.none')}</p>
          ))}
      </section>
    </div>
  );
}

function DeliveryRow({ d, topic }: { d: Delivery; topic: string }) {
  const { xt } = useText();
  const cls = d.status === 'delivered' ? 'badge badge--ok' : d.status === 'failed' ? 'badge partner-badge--failed' : 'badge';
  return (
    <tr data-testid="delivery" data-status={d.status}>
      <th scope="row" data-label={xt('del.occurred')}>
        {formatInstant(d.occurredAt)}
      </th>
      <td data-label={xt('del.topic')}>{topic}</td>
      <td data-label={xt('del.person')}>
        <code>{d.idNumber}</code>
      </td>
      <td data-label={xt('del.system')}>{d.systemName}</td>
      <td data-label={xt('del.status')}>
        <span className={cls}>{xt(`deliveryStatus.${d.status}`)}</span>
        {d.deliveredAt && <span className="muted"> {formatInstant(d.deliveredAt)}</span>}
      </td>
      <td data-label={xt('del.attempts')}>{d.attempts}</td>
      <td data-label={xt('del.next')}>{d.nextAttemptAt ? formatInstant(d.nextAttemptAt) : '—'}</td>
      <td data-label={xt('del.lastError')}>{d.lastError ? `${d.lastError}${d.lastStatus && !d.lastError.includes(String(d.lastStatus)) ? ` (HTTP ${d.lastStatus})` : ''}` : '—'}</td>
    </tr>
  );
}
