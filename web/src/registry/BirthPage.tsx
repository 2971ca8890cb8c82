import { useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { Link, navigate } from '../app/router.tsx';
import { useOfficer } from '../auth/session.tsx';
import { ErrorSummary, FormField, type SummaryItem } from './fields.tsx';
import { formatPartialDate, sentence, sexText, todayInVietnam } from './format.ts';
import { SubmissionAttempt } from './idempotency.ts';
import { grantPurpose } from './purpose.ts';
import { useEthnicGroups } from './reference.ts';
import { RegistryNav } from './RegistryNav.tsx';
import { registerBirth, searchPeople } from './registry.api.ts';
import type { BirthRequest, PersonSummary } from './registry.types.ts';
import { useText, type PlainKey } from './text.ts';
import { UnitSelects } from './UnitSelects.tsx';

export const DEFAULT_LEGAL_BASIS = 'Luật Hộ tịch 2014, Điều 16';

interface Values {
  fullName: string;
  sex: '' | 'male' | 'female';
  birthDate: string;
  provinceCode: string;
  communeCode: string;
  ethnicityCode: string;
  fatherId: string;
  motherId: string;
  householdNo: string;
  relationToHead: string;
  legalBasis: string;
}

type Field = keyof Values;

/** Form order: the first invalid field in it takes the focus. */
const FIELDS: readonly Field[] = ['fullName', 'sex', 'birthDate', 'provinceCode', 'communeCode', 'ethnicityCode', 'fatherId', 'motherId', 'householdNo', 'relationToHead', 'legalBasis'];

/** The request body's dotted field names (as the server names them in `errors[].field`) → form fields. */
const SERVER_FIELDS: Record<string, Field> = {
  fullName: 'fullName',
  sex: 'sex',
  birthDate: 'birthDate',
  birthRegistration: 'communeCode',
  'birthRegistration.provinceCode': 'provinceCode',
  'birthRegistration.communeCode': 'communeCode',
  ethnicityCode: 'ethnicityCode',
  fatherId: 'fatherId',
  motherId: 'motherId',
  householdNo: 'householdNo',
  relationToHead: 'relationToHead',
  legalBasis: 'legalBasis',
};

const LABELS: Record<Field, PlainKey> = {
  fullName: 'birth.fullName',
  sex: 'birth.sex',
  birthDate: 'birth.birthDate',
  provinceCode: 'birth.province',
  communeCode: 'birth.commune',
  ethnicityCode: 'birth.ethnicity',
  fatherId: 'birth.fatherId',
  motherId: 'birth.motherId',
  householdNo: 'birth.householdNo',
  relationToHead: 'birth.relationToHead',
  legalBasis: 'birth.legalBasis',
};

const clean = (s: string) => s.trim().replace(/\s+/g, ' ');

function check(v: Values, today: string): Partial<Record<Field, PlainKey>> {
  const e: Partial<Record<Field, PlainKey>> = {};
  if (!clean(v.fullName)) e.fullName = 'birth.fullNameRequired';
  if (!v.sex) e.sex = 'birth.sexRequired';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v.birthDate)) e.birthDate = 'birth.birthDateRequired';
  else if (v.birthDate > today) e.birthDate = 'birth.birthDateFuture';
  if (!v.provinceCode) e.provinceCode = 'birth.provinceRequired';
  if (!v.communeCode) e.communeCode = 'birth.communeRequired';
  if (v.fatherId.trim() && !/^\d{12}$/.test(v.fatherId.trim())) e.fatherId = 'birth.idFormat';
  if (v.motherId.trim() && !/^\d{12}$/.test(v.motherId.trim())) e.motherId = 'birth.idFormat';
  if (v.householdNo.trim() && !clean(v.relationToHead)) e.relationToHead = 'birth.relationRequired';
  if (!clean(v.legalBasis)) e.legalBasis = 'birth.legalBasisRequired';
  return e;
}

function toBody(v: Values): BirthRequest {
  const body: BirthRequest = {
    legalBasis: clean(v.legalBasis),
    fullName: clean(v.fullName),
    sex: v.sex as 'male' | 'female',
    birthDate: v.birthDate,
    birthRegistration: { provinceCode: v.provinceCode, communeCode: v.communeCode },
  };
  if (v.ethnicityCode) body.ethnicityCode = v.ethnicityCode;
  if (v.fatherId.trim()) body.fatherId = v.fatherId.trim();
  if (v.motherId.trim()) body.motherId = v.motherId.trim();
  if (v.householdNo.trim()) {
    body.householdNo = v.householdNo.trim();
    body.relationToHead = clean(v.relationToHead);
  }
  return body;
}

type Held = { reviewId: number; candidates: string[] };

/**
 * Birth registration (registrars). Errors found here or by the server are shown next to their
 * fields and focus the first one; what was typed stays. Each submission carries an
 * Idempotency-Key, the same one when the same form is sent again after a lost answer.
 */
export function BirthPage() {
  const { rt, t, lang } = useText();
  const officer = useOfficer();
  const id = useId();
  const today = todayInVietnam();
  const [values, setValues] = useState<Values>(() => ({
    fullName: '',
    sex: '',
    birthDate: '',
    provinceCode: officer.jurisdiction.provinceCode ?? '',
    communeCode: officer.jurisdiction.communeCode ?? '',
    ethnicityCode: '01',
    fatherId: '',
    motherId: '',
    householdNo: '',
    relationToHead: 'Con',
    legalBasis: DEFAULT_LEGAL_BASIS,
  }));
  const [invalid, setInvalid] = useState<Partial<Record<Field, PlainKey>>>({});
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const [held, setHeld] = useState<Held | null>(null);
  const attempt = useRef(new SubmissionAttempt());
  const controls = useRef<Partial<Record<Field, HTMLElement | null>>>({});
  const alertRef = useRef<HTMLDivElement>(null);
  const heldRef = useRef<HTMLHeadingElement>(null);
  const focusNext = useRef<Field | 'alert' | 'held' | null>(null);
  const headingRef = usePageTitle(rt('birth.title'));
  const ethnic = useEthnicGroups();
  const mayRegister = officer.roles.includes('registrar');

  // Focus moves after the render that shows the messages, so the field is read with its error.
  useEffect(() => {
    const target = focusNext.current;
    if (!target) return;
    focusNext.current = null;
    if (target === 'alert') alertRef.current?.focus();
    else if (target === 'held') heldRef.current?.focus();
    else controls.current[target]?.focus();
  });

  const apiError = error instanceof ApiError ? error : null;
  const serverMessage = (f: Field): string | null => {
    if (!apiError) return null;
    for (const fe of apiError.fieldErrors) if (SERVER_FIELDS[fe.field] === f) return fe.messages?.[lang] ?? fe.message;
    return null;
  };
  const fieldError = (f: Field): string | null => (invalid[f] ? rt(invalid[f]!) : serverMessage(f));
  const unmapped = apiError ? apiError.fieldErrors.filter((fe) => !SERVER_FIELDS[fe.field]) : [];
  const summary: SummaryItem[] = FIELDS.flatMap((f) => {
    const m = fieldError(f);
    return m ? [{ id: `${id}-${f}`, label: rt(LABELS[f]), message: m }] : [];
  });
  const summaryDetail = summary.length ? null : error ? [sentence(errorText(error, lang, t)), ...unmapped.map((fe) => `${fe.field}: ${fe.messages?.[lang] ?? fe.message}`)].join(' ') : null;
  const canRetrySame = error instanceof ApiError && (error.kind === 'network' || error.status >= 500);

  const set = (f: Field) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setValues((old) => ({ ...old, [f]: v }));
    if (invalid[f]) setInvalid((old) => ({ ...old, [f]: undefined }));
  };
  const ref = (f: Field) => (el: HTMLElement | null) => {
    controls.current[f] = el;
  };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (submitting) return;
    const found = check(values, today);
    setInvalid(found);
    const first = FIELDS.find((f) => found[f]);
    if (first) {
      setError(null);
      focusNext.current = first;
      return;
    }
    const body = toBody(values);
    const key = attempt.current.keyFor(body);
    setError(null);
    setSubmitting(true);
    try {
      const res = await registerBirth(body, key);
      if (res.status === 'registered') {
        grantPurpose(res.idNumber, { code: 'birth', detail: '' });
        navigate(`/registry/people/${res.idNumber}`);
        return;
      }
      attempt.current.reset();
      setHeld({ reviewId: res.reviewId, candidates: res.candidates });
      setSubmitting(false);
      focusNext.current = 'held';
    } catch (err) {
      setError(err);
      setSubmitting(false);
      const mapped = err instanceof ApiError ? FIELDS.find((f) => err.fieldErrors.some((fe) => SERVER_FIELDS[fe.field] === f)) : undefined;
      focusNext.current = mapped ?? 'alert';
    }
  }

  function startAnother() {
    setHeld(null);
    setValues((v) => ({ ...v, fullName: '', sex: '', birthDate: '', fatherId: '', motherId: '', householdNo: '' }));
    focusNext.current = 'fullName';
  }

  if (!mayRegister) {
    return (
      <div className="registry">
        <RegistryNav current="birth" />
        <h1 ref={headingRef} tabIndex={-1}>
          {rt('birth.title')}
        </h1>
        <p className="alert">{rt('birth.registrarsOnly')}</p>
      </div>
    );
  }

  return (
    <div className="registry">
      <RegistryNav current="birth" />
      <h1 ref={headingRef} tabIndex={-1}>
        {rt('birth.title')}
      </h1>
      {held ? (
        <HeldForReview held={held} headingRef={heldRef} onAnother={startAnother} />
      ) : (
        <>
          <p className="lead">{rt('birth.intro')}</p>
          <ErrorSummary title={summary.length ? rt('birth.fixFields', { n: summary.length }) : rt('birth.failed')} items={summary} detail={summaryDetail} alertRef={alertRef} testId="birth-errors" />
          {canRetrySame && <p className="notice">{rt('birth.retrySafe')}</p>}
          <form className="form panel birth-form" noValidate onSubmit={onSubmit} aria-busy={submitting} data-testid="birth-form">
            <fieldset>
              <legend>{rt('birth.child')}</legend>
              <FormField id={`${id}-fullName`} label={rt('birth.fullName')} hint={rt('birth.fullNameHint')} error={fieldError('fullName')}>
                {(p) => <input {...p} ref={ref('fullName')} name="fullName" type="text" autoComplete="off" spellCheck={false} maxLength={200} value={values.fullName} onChange={set('fullName')} />}
              </FormField>
              <fieldset className={fieldError('sex') ? 'field field--invalid choice' : 'field choice'} aria-describedby={fieldError('sex') ? `${id}-sex-error` : undefined}>
                <legend>{rt('birth.sex')}</legend>
                {fieldError('sex') && (
                  <p className="field__error" id={`${id}-sex-error`}>
                    <span className="visually-hidden">{rt('form.errorPrefix')} </span>
                    {sentence(fieldError('sex')!)}
                  </p>
                )}
                <div className="choice__options">
                  {(['male', 'female'] as const).map((s, i) => (
                    <label key={s} className="choice__option">
                      <input type="radio" name="sex" value={s} id={i === 0 ? `${id}-sex` : undefined} ref={i === 0 ? ref('sex') : undefined} checked={values.sex === s} aria-invalid={fieldError('sex') ? true : undefined} onChange={set('sex')} />
                      {sexText(s, rt)}
                    </label>
                  ))}
                </div>
              </fieldset>
              <FormField id={`${id}-birthDate`} label={rt('birth.birthDate')} error={fieldError('birthDate')} className="field--narrow">
                {(p) => <input {...p} ref={ref('birthDate')} name="birthDate" type="date" min="1900-01-01" max={today} value={values.birthDate} onChange={set('birthDate')} />}
              </FormField>
              <FormField id={`${id}-ethnicityCode`} label={rt('birth.ethnicity')} error={fieldError('ethnicityCode')}>
                {(p) => (
                  <>
                    <select {...p} ref={ref('ethnicityCode')} name="ethnicityCode" value={values.ethnicityCode} onChange={set('ethnicityCode')}>
                      {ethnic.state !== 'ready' && <option value={values.ethnicityCode}>{ethnic.state === 'error' ? values.ethnicityCode : rt('units.loading')}</option>}
                      {ethnic.state === 'ready' &&
                        ethnic.value.map((g) => (
                          <option key={g.code} value={g.code}>
                            {g.name}
                          </option>
                        ))}
                    </select>
                    {ethnic.state === 'error' && (
                      <p className="field__load-error">
                        {rt('units.loadFailed')}{' '}
                        <button type="button" className="button button--link" onClick={ethnic.retry}>
                          {t('app.retry')}
                        </button>
                      </p>
                    )}
                  </>
                )}
              </FormField>
            </fieldset>

            <fieldset>
              <legend>{rt('birth.place')}</legend>
              <UnitSelects
                idPrefix={id}
                value={{ provinceCode: values.provinceCode, communeCode: values.communeCode }}
                onChange={(u) => {
                  setValues((old) => ({ ...old, ...u }));
                  setInvalid((old) => ({ ...old, provinceCode: u.provinceCode ? undefined : old.provinceCode, communeCode: u.communeCode ? undefined : old.communeCode }));
                }}
                labels={{ province: rt('birth.province'), commune: rt('birth.commune') }}
                errors={{ province: fieldError('provinceCode'), commune: fieldError('communeCode') }}
                provinceRef={ref('provinceCode')}
                communeRef={ref('communeCode')}
              />
            </fieldset>

            <fieldset>
              <legend>{rt('birth.parents')}</legend>
              <p className="form__note">{rt('birth.parentsNote')}</p>
              <FormField id={`${id}-fatherId`} label={rt('birth.fatherId')} hint={rt('birth.idHint')} optional error={fieldError('fatherId')} className="field--narrow">
                {(p) => <input {...p} ref={ref('fatherId')} name="fatherId" type="text" inputMode="numeric" autoComplete="off" maxLength={12} value={values.fatherId} onChange={set('fatherId')} />}
              </FormField>
              <FormField id={`${id}-motherId`} label={rt('birth.motherId')} hint={rt('birth.idHint')} optional error={fieldError('motherId')} className="field--narrow">
                {(p) => <input {...p} ref={ref('motherId')} name="motherId" type="text" inputMode="numeric" autoComplete="off" maxLength={12} value={values.motherId} onChange={set('motherId')} />}
              </FormField>
            </fieldset>

            <fieldset>
              <legend>{rt('birth.householdGroup')}</legend>
              <FormField id={`${id}-householdNo`} label={rt('birth.householdNo')} hint={rt('birth.householdHint')} optional error={fieldError('householdNo')} className="field--narrow">
                {(p) => <input {...p} ref={ref('householdNo')} name="householdNo" type="text" autoComplete="off" spellCheck={false} maxLength={40} value={values.householdNo} onChange={set('householdNo')} />}
              </FormField>
              <FormField id={`${id}-relationToHead`} label={rt('birth.relationToHead')} hint={rt('birth.relationHint')} error={fieldError('relationToHead')} className="field--narrow">
                {(p) => (
                  <>
                    <input {...p} ref={ref('relationToHead')} name="relationToHead" type="text" autoComplete="off" maxLength={40} list={`${id}-relations`} value={values.relationToHead} onChange={set('relationToHead')} />
                    <datalist id={`${id}-relations`}>
                      {['Con', 'Cháu', 'Em', 'Khác'].map((r) => (
                        <option key={r} value={r} />
                      ))}
                    </datalist>
                  </>
                )}
              </FormField>
            </fieldset>

            <FormField id={`${id}-legalBasis`} label={rt('birth.legalBasis')} hint={rt('birth.legalBasisHint')} error={fieldError('legalBasis')}>
              {(p) => <input {...p} ref={ref('legalBasis')} name="legalBasis" type="text" autoComplete="off" maxLength={300} value={values.legalBasis} onChange={set('legalBasis')} />}
            </FormField>

            <p className="form__note">{rt('birth.auditNote')}</p>
            <button type="submit" className="button button--primary" disabled={submitting}>
              {submitting ? rt('birth.submitting') : rt('birth.submit')}
            </button>
          </form>
        </>
      )}
    </div>
  );
}

/** 202: the registration waits for a supervisor, who merges it into a candidate or confirms a new person. */
function HeldForReview({ held, headingRef, onAnother }: { held: Held; headingRef: RefObject<HTMLHeadingElement | null>; onAnother(): void }) {
  const { rt } = useText();
  const [people, setPeople] = useState<Record<string, PersonSummary | null>>({});

  // Name and birth date of each candidate, by ID number (an ordinary audited search).
  useEffect(() => {
    let live = true;
    for (const c of held.candidates)
      searchPeople({ q: c, limit: 1, offset: 0 }).then(
        (r) => live && setPeople((old) => ({ ...old, [c]: r.items[0] ?? null })),
        () => live && setPeople((old) => ({ ...old, [c]: null })),
      );
    return () => {
      live = false;
    };
  }, [held]);

  return (
    <section className="panel panel--warning" aria-labelledby="held-title" data-testid="birth-held">
      <h2 id="held-title" ref={headingRef} tabIndex={-1}>
        {rt('held.title')}
      </h2>
      <p>{rt('held.body', { id: held.reviewId })}</p>
      <h3>{rt('held.candidates', { n: held.candidates.length })}</h3>
      <ul className="candidate-list">
        {held.candidates.map((c) => {
          const p = people[c];
          return (
            <li key={c}>
              <Link to={`/registry/people/${c}`}>{p ? p.fullName : c}</Link>
              {p && (
                <span className="muted">
                  {' '}
                  — {c}, {sexText(p.sex, rt)}, {formatPartialDate(p.birthDate)}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <p>{rt('held.next')}</p>
      <div className="form__actions">
        <button type="button" className="button button--primary" onClick={onAnother}>
          {rt('held.another')}
        </button>
        <Link to="/registry" className="button button--secondary">
          {rt('nav.search')}
        </Link>
      </div>
    </section>
  );
}
