import { useEffect, useRef, useState } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { useOfficer } from '../auth/session.tsx';
import { AsOfSection } from './AsOf.tsx';
import { CorrectionSection } from './CorrectionForm.tsx';
import { sentence, statusText } from './format.ts';
import { HistorySection } from './History.tsx';
import { LifeEventsSection, lifeEventTitle, type PersonEvent } from './LifeEvents.tsx';
import { PersonRecordView } from './PersonRecord.tsx';
import { forgetGrantedPurpose, grantedPurpose, purposeText, rememberedPurpose, rememberPurpose, type PurposeChoice } from './purpose.ts';
import { PurposeForm } from './PurposeForm.tsx';
import { RegistryNav } from './RegistryNav.tsx';
import { readPerson } from './registry.api.ts';
import type { PersonRecord } from './registry.types.ts';
import { useText } from './text.ts';

const HISTORY_ROLES = ['registrar', 'supervisor', 'auditor'];

type State = { kind: 'asking'; serverError: string | null } | { kind: 'loading' } | { kind: 'ready'; record: PersonRecord } | { kind: 'error'; error: unknown };

/**
 * One person's full record. The server requires a stated purpose for the read (audited), so the
 * page asks for it first, unless the app already knows it (just after registering the birth).
 */
export function PersonPage({ idNumber }: { idNumber: string }) {
  const { rt, t, lang } = useText();
  const officer = useOfficer();
  const wellFormed = /^\d{12}$/.test(idNumber);
  const [purpose, setPurpose] = useState<PurposeChoice | null>(() => (wellFormed ? grantedPurpose(idNumber) : null));
  const [state, setState] = useState<State>(() => (purpose ? { kind: 'loading' } : { kind: 'asking', serverError: null }));
  const headingRef = usePageTitle(rt('person.title'));
  const focusHeading = useRef(false);
  // A recorded life event: the record is read again and the history opens with the new entry.
  const [recorded, setRecorded] = useState<{ event: PersonEvent; n: number } | null>(null);
  const recordedRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (!purpose || !wellFormed) return;
    const ctrl = new AbortController();
    setState({ kind: 'loading' });
    readPerson(idNumber, purposeText(purpose), { signal: ctrl.signal }).then(
      (record) => {
        forgetGrantedPurpose(idNumber);
        focusHeading.current = true;
        setState({ kind: 'ready', record });
      },
      (error: unknown) => {
        if (ctrl.signal.aborted) return;
        focusHeading.current = true;
        if (error instanceof ApiError && error.code === 'REGISTRY_PURPOSE_REQUIRED') setState({ kind: 'asking', serverError: error.fieldMessage('purpose', lang) ?? error.detailIn(lang) });
        else setState({ kind: 'error', error });
      },
    );
    return () => ctrl.abort();
    // Not the language: switching it must not read the record again.
  }, [idNumber, purpose, wellFormed, recorded?.n]);

  // After the read, the heading names the person: focus it so it is read out.
  useEffect(() => {
    if (focusHeading.current && state.kind !== 'loading') {
      focusHeading.current = false;
      if (recorded && state.kind === 'ready') recordedRef.current?.focus();
      else headingRef.current?.focus();
    }
  }, [state, headingRef, recorded]);

  function choose(c: PurposeChoice) {
    rememberPurpose(officer.id, c);
    setPurpose({ ...c });
  }

  const record = state.kind === 'ready' ? state.record : null;
  const mayReadHistory = officer.roles.some((r) => HISTORY_ROLES.includes(r));

  return (
    <div className="registry">
      <RegistryNav current={null} />
      <h1 ref={headingRef} tabIndex={-1} data-testid="person-heading">
        {record?.fullName ?? rt('person.title')}
      </h1>
      <p className="lead person-sub">
        <span>
          {rt('field.idNumber')}: <strong data-testid="person-id">{idNumber}</strong>
        </span>
        {record?.status && <span className={`status status--${record.status}`}>{statusText(record.status, rt)}</span>}
        {record?.synthetic && <span className="badge">{rt('badge.synthetic')}</span>}
      </p>

      {!wellFormed && (
        <div role="alert" className="alert">
          <p>{rt('person.badId')}</p>
          <p>
            <Link to="/registry">{rt('person.backToSearch')}</Link>
          </p>
        </div>
      )}

      {wellFormed && state.kind === 'asking' && <PurposeForm initial={rememberedPurpose(officer.id)} onSubmit={choose} serverError={state.serverError} />}

      <p role="status" className="results__status">
        {state.kind === 'loading' ? rt('person.loading') : ''}
      </p>

      {state.kind === 'error' && (
        <div role="alert" className="alert" data-testid="person-error">
          <p className="alert__title">{rt('person.failed')}</p>
          <p>{sentence(errorText(state.error, lang, t))}</p>
          <p>
            <Link to="/registry">{rt('person.backToSearch')}</Link>
          </p>
        </div>
      )}

      {record && purpose && (
        <>
          <p className="purpose-used" data-testid="purpose-used">
            {rt('person.purposeUsed')} <strong>{purposeText(purpose)}</strong>
          </p>
          <PersonRecordView record={record} idPrefix="person" />
          {recorded && (
            <p ref={recordedRef} tabIndex={-1} role="status" className="notice" data-testid="life-event-recorded">
              {rt('life.recorded', { event: rt(lifeEventTitle(recorded.event)) })}
            </p>
          )}
          {mayReadHistory && <HistorySection key={recorded?.n ?? 0} idNumber={idNumber} initiallyOpen={!!recorded} />}
          <AsOfSection idNumber={idNumber} purpose={purposeText(purpose)} />
          {officer.roles.includes('registrar') && 'fullName' in record && (
            <LifeEventsSection key={recorded?.n ?? 0} idNumber={idNumber} record={record} onRecorded={(event) => setRecorded((old) => ({ event, n: (old?.n ?? 0) + 1 }))} />
          )}
          {officer.roles.includes('registrar') && 'fullName' in record && <CorrectionSection idNumber={idNumber} record={record} />}
        </>
      )}
    </div>
  );
}
