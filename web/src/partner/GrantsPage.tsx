import { usePageTitle } from '../app/page.ts';
import { Fact } from '../ui/fields.tsx';
import { formatPartialDate } from '../ui/format.ts';
import { formatNumber } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { grantsView, type GrantView } from './partner.api.ts';
import { useMember } from './PartnerApp.tsx';
import { useText } from './text.ts';

/** What each system of the member may do: its grants, read-only. */
export function GrantsPage() {
  const { xt } = useText();
  const { member } = useMember();
  const ref = usePageTitle(xt('grants.title'));
  const grants = useApi((signal) => grantsView(member.id, { signal }), [member.id]);
  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {xt('grants.title')}
      </h1>
      <p className="lead">{xt('grants.lead')}</p>
      <LoadState l={grants} />
      {grants.state === 'ready' &&
        (grants.value.systems.length ? (
          grants.value.systems.map((s) => (
            <section key={s.systemId} className="panel" aria-labelledby={`grants-${s.systemId}`} data-testid="partner-grants">
              <h2 id={`grants-${s.systemId}`}>{s.systemName}</h2>
              {s.grants.length ? (
                <ul className="portal-list">
                  {s.grants.map((g) => (
                    <GrantItem key={g.id} g={g} />
                  ))}
                </ul>
              ) : (
                <p>{xt('grants.none')}</p>
              )}
            </section>
          ))
        ) : (
          <p>{xt('systems.none')}</p>
        ))}
    </div>
  );
}

function GrantItem({ g }: { g: GrantView }) {
  const { xt, lang } = useText();
  const statusClass = g.status === 'active' ? 'badge badge--ok' : 'badge';
  return (
    <li className="portal-item" data-testid="partner-grant" data-service={g.service} data-status={g.status}>
      <h3 className="portal-item__title">
        {g.serviceName[lang]} <span className={statusClass}>{xt(`grantStatus.${g.status}`)}</span>
      </h3>
      <p className="muted">{xt('grants.number', { id: g.id })}</p>
      <dl className="facts facts--compact">
        <Fact term={xt('grants.fields')}>
          <ul className="plain-list">
            {g.fields.map((f) => (
              <li key={f.field}>{f.label[lang]}</li>
            ))}
          </ul>
        </Fact>
        <Fact term={xt('grants.purposes')}>
          <ul className="plain-list">
            {g.purposes.map((p) => (
              <li key={p.code}>{p.label[lang]}</li>
            ))}
          </ul>
        </Fact>
        <Fact term={xt('grants.basis')}>{g.basis.kind === 'provision' ? g.basis.provision : xt('grants.basisConsent')}</Fact>
        <Fact term={xt('grants.validity')}>{xt('grants.validityValue', { from: formatPartialDate(g.validFrom), until: formatPartialDate(g.validUntil) })}</Fact>
        <Fact term={xt('grants.quota')}>
          {g.quotaPerDay !== null ? formatNumber(g.quotaPerDay, lang) : g.defaultQuotaPerDay !== null ? xt('grants.quotaDefault', { n: formatNumber(g.defaultQuotaPerDay, lang) }) : null}
        </Fact>
      </dl>
    </li>
  );
}
