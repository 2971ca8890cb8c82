import { useEffect, useState } from 'react';
import { usePageTitle } from '../app/page.ts';
import { Fact } from '../ui/fields.tsx';
import { formatInstant, formatPartialDate } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { ethnicGroups, portalMe, type AddressView, type HolderCard, type PortalMe } from './portal.api.ts';
import { textOf, useText, type PT } from './text.ts';

function unitText(a: Pick<AddressView, 'communeCode' | 'communeName' | 'provinceCode' | 'provinceName'>): string {
  return [a.communeName ?? a.communeCode, a.provinceName ?? a.provinceCode].filter(Boolean).join(', ');
}

/**
 * An address. One recorded before 1 July 2025 shows what was recorded (with the commune, district
 * and province of then) and, beside it, the unit it belongs to now.
 */
export function Address({ a, testId }: { a: AddressView | null | undefined; testId?: string }) {
  const { pt } = useText();
  if (!a) return null;
  const old = a.recordedWith;
  if (!old) return <span data-testid={testId}>{[a.address, unitText(a)].filter(Boolean).join(', ')}</span>;
  const then = [old.communeName ?? old.communeCode, old.districtCode ? pt('address.district', { code: old.districtCode }) : null, old.provinceName ?? old.provinceCode].filter(Boolean).join(', ');
  return (
    <span className="address-old" data-testid={testId}>
      <span className="address-old__note">{pt('address.recordedBefore2025')}</span>
      <span className="address-old__recorded" data-testid={testId ? `${testId}-recorded` : undefined}>
        {[a.address, then].filter(Boolean).join(', ')}
      </span>
      <span className="address-old__current" data-testid={testId ? `${testId}-current` : undefined}>
        <strong>{pt('address.nowIn')}</strong> {unitText(a) || pt('address.noConversion')}
      </span>
    </span>
  );
}

/** My data: the record, residence, household, cards (with the QR of the valid one) and eID level. */
export function MyDataPage() {
  const { pt } = useText();
  const ref = usePageTitle(pt('me.title'));
  const me = useApi((signal) => portalMe({ signal }));

  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {pt('me.title')}
      </h1>
      <p className="lead">{pt('me.lead')}</p>
      <LoadState l={me} />
      {me.state === 'ready' && <MyData me={me.value} />}
    </div>
  );
}

function MyData({ me }: { me: PortalMe }) {
  const { pt } = useText();
  const p = me.person;
  const ethnic = useApi((signal) => ethnicGroups({ signal }));
  const ethnicity = p?.ethnicity ? (ethnic.state === 'ready' ? (ethnic.value.items.find((g) => g.code === p.ethnicity)?.name ?? p.ethnicity) : p.ethnicity) : null;
  const level = me.account?.level ?? me.session.level;

  return (
    <>
      {!p && <p className="notice">{pt('me.noRecord')}</p>}
      {p && (
        <>
          <section className="panel" aria-labelledby="me-personal" data-testid="me-personal">
            <h2 id="me-personal">
              {pt('me.personal')} {p.synthetic && <span className="badge">{pt('me.synthetic')}</span>}
            </h2>
            <dl className="facts">
              <Fact term={pt('me.fullName')} testId="me-fullName">
                {p.fullName}
              </Fact>
              <Fact term={pt('me.idNumber')} testId="me-idNumber">
                {p.idNumber}
              </Fact>
              {p.otherNames && p.otherNames.length > 0 && <Fact term={pt('me.otherNames')}>{p.otherNames.join(', ')}</Fact>}
              <Fact term={pt('me.birthDate')} testId="me-birthDate">
                {formatPartialDate(p.birthDate)}
              </Fact>
              <Fact term={pt('me.sex')}>{textOf(pt, `sex.${p.sex}`, p.sex)}</Fact>
              <Fact term={pt('me.nationality')}>{textOf(pt, `nationality.${p.nationality}`, p.nationality)}</Fact>
              <Fact term={pt('me.ethnicity')}>{ethnicity}</Fact>
              <Fact term={pt('me.religion')}>{p.religion}</Fact>
              <Fact term={pt('me.birthRegistration')}>
                {p.birthRegistration ? <Address a={p.birthRegistration} /> : null}
              </Fact>
              <Fact term={pt('me.origin')}>
                {p.origin ? <Address a={p.origin} /> : null}
              </Fact>
              {p.status !== 'living' && <Fact term={pt('me.status')}>{textOf(pt, `status.${p.status}`, p.status)}</Fact>}
            </dl>
          </section>

          <section className="panel" aria-labelledby="me-residence" data-testid="me-residence">
            <h2 id="me-residence">{pt('me.residence')}</h2>
            <dl className="facts">
              <Fact term={pt('me.permanent')}>
                {p.permanentResidence ? <Address a={p.permanentResidence} testId="me-permanent" /> : null}
              </Fact>
              <Fact term={pt('me.temporary')}>
                {p.temporaryResidence && (
                  <>
                    <Address a={p.temporaryResidence} testId="me-temporary" />
                    {p.temporaryResidence.until && <span className="muted"> ({pt('me.temporaryUntil', { date: formatPartialDate(p.temporaryResidence.until) })})</span>}
                  </>
                )}
              </Fact>
              <Fact term={pt('me.current')}>
                {p.currentResidence ? <Address a={p.currentResidence} testId="me-current" /> : null}
              </Fact>
            </dl>
          </section>
        </>
      )}

      <section className="panel" aria-labelledby="me-household" data-testid="me-household">
        <h2 id="me-household">{pt('me.household')}</h2>
        {me.household ? (
          <>
            <dl className="facts">
              <Fact term={pt('me.householdNo')} testId="me-householdNo">
                {me.household.householdNo}
              </Fact>
            </dl>
            <h3 id="me-members">{pt('me.members')}</h3>
            <table className="portal-table" aria-labelledby="me-members" data-testid="me-members">
              <thead>
                <tr>
                  <th scope="col">{pt('col.name')}</th>
                  <th scope="col">{pt('col.relation')}</th>
                  <th scope="col">{pt('col.birthYear')}</th>
                  <th scope="col">{pt('col.status')}</th>
                </tr>
              </thead>
              <tbody>
                {me.household.members.map((m, i) => (
                  <tr key={i} className={m.self ? 'portal-table__self' : undefined}>
                    <th scope="row" data-label={pt('col.name')}>
                      <span>
                        {m.fullName} {m.self && <strong>{pt('me.you')}</strong>}
                      </span>
                    </th>
                    <td data-label={pt('col.relation')}>
                      <span>{m.relationToHead ?? '—'}</span>
                    </td>
                    <td data-label={pt('col.birthYear')}>
                      <span>{m.birthYear}</span>
                    </td>
                    <td data-label={pt('col.status')}>
                      <span>{textOf(pt, `status.${m.status}`, m.status)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p>{pt('me.noHousehold')}</p>
        )}
      </section>

      <section className="panel" aria-labelledby="me-cards" data-testid="me-cards">
        <h2 id="me-cards">{pt('me.cards')}</h2>
        {me.cards.length === 0 ? (
          <p>{pt('me.noCards')}</p>
        ) : (
          <ul className="portal-cards">
            {me.cards.map((c) => (
              <CardItem key={c.cardNo} c={c} idNumber={p?.idNumber ?? ''} />
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="me-eid" data-testid="me-eid">
        <h2 id="me-eid">{pt('me.eid')}</h2>
        <dl className="facts">
          <Fact term={pt('eid.level')} testId="me-eid-level">
            <strong>{pt('eid.levelValue', { level })}</strong>
            <span className="muted"> — {level === 2 ? pt('eid.level2Note') : pt('eid.level1Note')}</span>
          </Fact>
          <Fact term={pt('eid.session')}>{pt('eid.sessionLevel', { level: me.session.level })}</Fact>
          {me.account && (
            <>
              <Fact term={pt('eid.accountStatus')}>{textOf(pt, `accountStatus.${me.account.status}`, me.account.status)}</Fact>
              <Fact term={pt('eid.phone')}>{me.account.phoneMasked}</Fact>
              <Fact term={pt('eid.since')}>{formatInstant(me.account.createdAt)}</Fact>
            </>
          )}
        </dl>
      </section>
    </>
  );
}

function CardItem({ c, idNumber }: { c: HolderCard; idNumber: string }) {
  const { pt } = useText();
  return (
    <li className="portal-card" data-testid="me-card" data-status={c.status}>
      <h3>{pt('card.title', { n: c.cardNo })}</h3>
      <div className="portal-card__body">
        <dl className="facts">
          <Fact term={pt('card.status')}>
            <span className={c.status === 'valid' ? 'status' : 'status status--deceased'}>{textOf(pt, `cardStatus.${c.status}`, c.status)}</span>
          </Fact>
          <Fact term={pt('card.kind')}>{textOf(pt, `issueKind.${c.issueKind}`, c.issueKind)}</Fact>
          <Fact term={pt('card.issueDate')}>{formatPartialDate(c.issueDate)}</Fact>
          <Fact term={pt('card.expiryDate')}>{c.expiryDate ? formatPartialDate(c.expiryDate) : pt('card.noExpiry')}</Fact>
        </dl>
        {c.qr && <CardQr payload={c.qr} idNumber={idNumber} pt={pt} />}
      </div>
    </li>
  );
}

/** The QR printed on the card, drawn in the browser; the QR library loads only here. */
function CardQr({ payload, idNumber, pt }: { payload: string; idNumber: string; pt: PT }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    import('../cards/qr.ts')
      .then((m) => m.qrDataUrl(payload))
      .then(
        (url) => live && setSrc(url),
        () => live && setFailed(true),
      );
    return () => {
      live = false;
    };
  }, [payload]);
  return (
    <figure className="portal-qr" data-testid="me-card-qr">
      {src ? <img src={src} alt={pt('card.qrAlt', { id: idNumber })} width={176} height={176} /> : <div className="portal-qr__placeholder" aria-hidden="true" />}
      <figcaption>
        <strong>{pt('card.qr')}</strong>
        <br />
        {failed ? pt('card.qrFailed') : pt('card.qrNote')}
      </figcaption>
    </figure>
  );
}
