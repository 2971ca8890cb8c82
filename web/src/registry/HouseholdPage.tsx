import { useEffect, useRef, useState } from 'react';
import { errorText } from '../api/error-text.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { useOfficer } from '../auth/session.tsx';
import { Fact } from './fields.tsx';
import { addressText, formatPartialDate, sentence, sexText, statusText } from './format.ts';
import { HouseholdEventsSection, householdEventTitle, type HouseholdEvent } from './HouseholdEvents.tsx';
import { forgetJustCreated, wasJustCreated } from './new-household.ts';
import { RegistryNav } from './RegistryNav.tsx';
import { readHousehold } from './registry.api.ts';
import type { Household } from './registry.types.ts';
import { useText } from './text.ts';

/** `readAfter`: the number of the recorded change this read follows (0 before any). */
type State = { kind: 'loading' } | { kind: 'ready'; household: Household; readAfter: number } | { kind: 'error'; error: unknown };

/** A household: address, head, and members with their relation to the head. */
export function HouseholdPage({ householdNo }: { householdNo: string }) {
  const { rt, t, lang } = useText();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const headingRef = usePageTitle(rt('household.title', { no: householdNo }));
  const officer = useOfficer();
  // A recorded change: the household is read again and a notice (focused) says what was recorded.
  const [recorded, setRecorded] = useState<{ event: HouseholdEvent; other: string | null; n: number } | null>(null);
  const recordedRef = useRef<HTMLParagraphElement>(null);
  const [justCreated] = useState(() => wasJustCreated(householdNo));
  useEffect(() => forgetJustCreated(householdNo), [householdNo]);

  useEffect(() => {
    const ctrl = new AbortController();
    readHousehold(householdNo, { signal: ctrl.signal }).then(
      (household) => {
        setState({ kind: 'ready', household, readAfter: recorded?.n ?? 0 });
        if (recorded) setTimeout(() => recordedRef.current?.focus(), 0);
      },
      (error: unknown) => {
        if (!ctrl.signal.aborted) setState({ kind: 'error', error });
      },
    );
    return () => ctrl.abort();
    // Read again on each recorded change.
  }, [householdNo, recorded?.n]);

  const h = state.kind === 'ready' ? state.household : null;
  const head = h?.members.find((m) => m.idNumber === h.headId);

  return (
    <div className="registry">
      <RegistryNav current={null} />
      <h1 ref={headingRef} tabIndex={-1}>
        {rt('household.title', { no: householdNo })}
      </h1>
      <p role="status" className="results__status">
        {state.kind === 'loading' ? rt('household.loading') : ''}
      </p>
      {state.kind === 'error' && (
        <div role="alert" className="alert">
          <p className="alert__title">{rt('household.failed')}</p>
          <p>{sentence(errorText(state.error, lang, t))}</p>
        </div>
      )}
      {h && (
        <>
          {justCreated && !recorded && (
            <p role="status" className="notice" data-testid="household-created">
              {rt('hhNew.created', { no: householdNo })}
            </p>
          )}
          {recorded && state.kind === 'ready' && state.readAfter === recorded.n && (
            <p ref={recordedRef} tabIndex={-1} role="status" className="notice" data-testid="household-event-recorded">
              {rt('life.hh.recorded', { event: rt(householdEventTitle(recorded.event)) })}
              {recorded.other && (
                <>
                  {' '}
                  {rt(recorded.event === 'split' ? 'life.hh.splitInto' : 'life.hh.mergedInto')} <Link to={`/registry/households/${encodeURIComponent(recorded.other)}`}>{recorded.other}</Link>
                </>
              )}
            </p>
          )}
          <section className="panel" aria-labelledby="household-facts">
            <h2 id="household-facts">{rt('household.facts')}</h2>
            <dl className="facts">
              <Fact term={rt('household.address')} testId="household-address">
                {addressText(h.address)}
              </Fact>
              <Fact term={rt('household.head')} testId="household-head">
                {head ? <Link to={`/registry/people/${head.idNumber}`}>{head.fullName}</Link> : h.headId}
              </Fact>
              <Fact term={rt('household.status')}>{rt(h.status === 'active' ? 'household.active' : 'household.dissolved')}</Fact>
              {h.synthetic && (
                <Fact term={rt('field.synthetic')}>
                  <span className="badge">{rt('badge.synthetic')}</span>
                </Fact>
              )}
            </dl>
          </section>
          <section className="panel" aria-labelledby="household-members">
            <h2 id="household-members">{rt('household.members', { n: h.members.length })}</h2>
            <table className="results-table" role="table" aria-labelledby="household-members" data-testid="household-members">
              <thead role="rowgroup">
                <tr role="row">
                  <th scope="col" role="columnheader">{rt('col.fullName')}</th>
                  <th scope="col" role="columnheader">{rt('col.relation')}</th>
                  <th scope="col" role="columnheader">{rt('col.idNumber')}</th>
                  <th scope="col" role="columnheader">{rt('col.sex')}</th>
                  <th scope="col" role="columnheader">{rt('col.birthDate')}</th>
                  <th scope="col" role="columnheader">{rt('col.status')}</th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {h.members.map((m) => (
                  <tr key={m.idNumber} role="row">
                    <td role="cell" data-label={rt('col.fullName')}>
                      <Link to={`/registry/people/${m.idNumber}`}>{m.fullName}</Link>
                    </td>
                    <td role="cell" data-label={rt('col.relation')}>{m.relationToHead ?? ''}</td>
                    <td role="cell" data-label={rt('col.idNumber')} className="nowrap">{m.idNumber}</td>
                    <td role="cell" data-label={rt('col.sex')}>{sexText(m.sex, rt)}</td>
                    <td role="cell" data-label={rt('col.birthDate')} className="nowrap">{formatPartialDate(m.birthDate)}</td>
                    <td role="cell" data-label={rt('col.status')}>
                      <span className={`status status--${m.status}`}>{statusText(m.status, rt)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {officer.roles.includes('registrar') && <HouseholdEventsSection key={recorded?.n ?? 0} household={h} onRecorded={(event, other) => setRecorded((old) => ({ event, other, n: (old?.n ?? 0) + 1 }))} />}
        </>
      )}
    </div>
  );
}
