import { useId, useState, type FormEvent } from 'react';
import { usePageTitle } from '../app/page.ts';
import { FormField } from '../ui/fields.tsx';
import { formatPartialDate } from '../ui/format.ts';
import { formatNumber } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { usageView, type UsageView } from './partner.api.ts';
import { useMember } from './PartnerApp.tsx';
import { useText } from './text.ts';

const PERIODS = [7, 14, 30, 90] as const;

/** Usage per system and service per day as CSS bars, and today's use against the daily quota. */
export function UsagePage() {
  const { xt } = useText();
  const { member } = useMember();
  const id = useId();
  const ref = usePageTitle(xt('usage.title'));
  const [days, setDays] = useState('14');
  const [shown, setShown] = useState(14);
  const usage = useApi((signal) => usageView(member.id, shown, { signal }), [member.id, shown]);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setShown(Number(days));
  };

  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {xt('usage.title')}
      </h1>
      <p className="lead">{xt('usage.lead')}</p>
      <form className="form form--inline partner-usage-form" noValidate onSubmit={submit}>
        <FormField id={`${id}-days`} label={xt('usage.days')}>
          {(p) => (
            <select {...p} name="days" value={days} onChange={(e) => setDays(e.currentTarget.value)}>
              {PERIODS.map((n) => (
                <option key={n} value={n}>
                  {xt('usage.daysValue', { n })}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <button type="submit" className="button button--secondary">
          {xt('usage.show')}
        </button>
      </form>
      <LoadState l={usage} />
      {usage.state === 'ready' && (usage.value.systems.length ? usage.value.systems.map((s) => <SystemUsage key={s.systemId} u={usage.value} s={s} />) : <p>{xt('usage.none')}</p>)}
    </div>
  );
}

function SystemUsage({ u, s }: { u: UsageView; s: UsageView['systems'][number] }) {
  const { xt, lang } = useText();
  return (
    <section className="panel" aria-labelledby={`usage-${s.systemId}`} data-testid="partner-usage">
      <h2 id={`usage-${s.systemId}`}>{s.systemName}</h2>
      {s.services.length ? (
        s.services.map((svc) => {
          const max = Math.max(1, ...svc.days.map((d) => d.calls));
          const pct = svc.quotaPerDay ? Math.min(100, (svc.usedToday / svc.quotaPerDay) * 100) : 0;
          const total = svc.days.reduce((a, d) => ({ calls: a.calls + d.calls, people: a.people + d.people, refused: a.refused + d.refused }), { calls: 0, people: 0, refused: 0 });
          const name = svc.serviceName[lang];
          return (
            <div key={svc.service} className="partner-usage" data-service={svc.service}>
              <h3>{name}</h3>
              <div className="partner-quota">
                <p className="partner-quota__text" data-testid="usage-today">
                  {svc.quotaPerDay !== null
                    ? xt('usage.today', { used: formatNumber(svc.usedToday, lang), quota: formatNumber(svc.quotaPerDay, lang), pct: pct < 0.1 && svc.usedToday > 0 ? `<${formatNumber(0.1, lang)}` : formatNumber(Math.round(pct * 10) / 10, lang) })
                    : xt('usage.todayNoQuota', { used: formatNumber(svc.usedToday, lang) })}
                </p>
                {svc.quotaPerDay !== null && (
                  <div
                    className={`bar partner-quota__bar${pct >= 90 ? ' partner-quota__bar--high' : ''}`}
                    role="meter"
                    aria-label={xt('usage.quotaLabel', { service: name })}
                    aria-valuemin={0}
                    aria-valuemax={svc.quotaPerDay}
                    aria-valuenow={svc.usedToday}
                  >
                    <span className="bar__fill" style={{ width: `${svc.usedToday > 0 ? Math.max(pct, 0.5) : 0}%` }} />
                  </div>
                )}
              </div>
              <figure className="partner-columns" data-testid="usage-columns">
                <div className="partner-columns__plot" role="img" aria-label={`${xt('usage.caption', { service: name, from: formatPartialDate(u.from), to: formatPartialDate(u.to) })}. ${xt('usage.total', { n: svc.days.length, calls: formatNumber(total.calls, lang), people: formatNumber(total.people, lang), refused: formatNumber(total.refused, lang) })}`}>
                  {svc.days.map((d) => (
                    <span key={d.day} className="partner-columns__col" title={`${formatPartialDate(d.day)}: ${formatNumber(d.calls, lang)}`}>
                      <span className="partner-columns__bar" style={{ height: `${d.calls ? Math.max(2, (d.calls / max) * 100) : 0}%` }} />
                    </span>
                  ))}
                </div>
                <figcaption className="partner-columns__axis" aria-hidden="true">
                  <span>{formatPartialDate(u.from)}</span>
                  <span>{formatPartialDate(u.to)}</span>
                </figcaption>
              </figure>
              <details className="partner-usage__table">
                <summary>{xt('usage.table')}</summary>
                <table className="portal-table partner-chart" data-testid="usage-chart">
                  <caption className="visually-hidden">{xt('usage.caption', { service: name, from: formatPartialDate(u.from), to: formatPartialDate(u.to) })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{xt('usage.day')}</th>
                      <th scope="col">{xt('usage.calls')}</th>
                      <th scope="col">{xt('usage.people')}</th>
                      <th scope="col">{xt('usage.refused')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {svc.days.map((d) => (
                      <tr key={d.day}>
                        <th scope="row" data-label={xt('usage.day')}>
                          {formatPartialDate(d.day)}
                        </th>
                        <td data-label={xt('usage.calls')}>
                          <span className="bar-cell">
                            <span className="bar-cell__n">{formatNumber(d.calls, lang)}</span>
                            <span className="bar" aria-hidden="true">
                              <span className="bar__fill" style={{ width: `${(d.calls / max) * 100}%` }} />
                            </span>
                          </span>
                        </td>
                        <td data-label={xt('usage.people')} className="partner-chart__n">
                          {formatNumber(d.people, lang)}
                        </td>
                        <td data-label={xt('usage.refused')} className="partner-chart__n">
                          {formatNumber(d.refused, lang)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
              <p className="muted">{xt('usage.total', { n: svc.days.length, calls: formatNumber(total.calls, lang), people: formatNumber(total.people, lang), refused: formatNumber(total.refused, lang) })}</p>
            </div>
          );
        })
      ) : (
        <p>{xt('usage.noServices')}</p>
      )}
    </section>
  );
}
