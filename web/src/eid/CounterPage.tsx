import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { ErrorSummary, Fact, FormField, sentence, type SummaryItem } from '../ui/fields.tsx';
import { formatInstant } from '../ui/format.ts';
import { atCounter, type CounterPurpose, type CounterRequest, type CounterResult, type FaceMatch } from './eid.api.ts';
import { useText, type PlainKey } from './text.ts';

interface ChipFile {
  name: string;
  size: number;
  base64: string;
}
type FileField = 'sod' | 'dg1' | 'dg2' | 'dg13';
type Field = 'idNumber' | FileField | 'faceMatch' | 'phone' | 'email';
const FIELDS: readonly Field[] = ['idNumber', 'sod', 'dg1', 'dg2', 'dg13', 'faceMatch', 'phone', 'email'];
const FILE_FIELDS: readonly FileField[] = ['sod', 'dg1', 'dg2', 'dg13'];
const LABELS: Record<Field, PlainKey> = {
  idNumber: 'counter.idNumber', sod: 'counter.sod', dg1: 'counter.dg1', dg2: 'counter.dg2', dg13: 'counter.dg13',
  faceMatch: 'counter.face', phone: 'counter.phone', email: 'counter.email',
};
const REQUIRED_FILES: ReadonlySet<FileField> = new Set(['sod', 'dg1']);

/** The form field a server field error belongs to (`chip`, `chip.sod`, `chip.dataGroups.DG2`, `phone`…). */
function fieldOfServer(f: string): Field | null {
  const path = f.replace(/^\//, '').replace(/\//g, '.');
  if (path === 'idNumber' || path === 'faceMatch' || path === 'phone' || path === 'email') return path;
  const dg = /^chip\.dataGroups\.DG(\d+)/.exec(path);
  if (dg) return dg[1] === '1' ? 'dg1' : dg[1] === '2' ? 'dg2' : dg[1] === '13' ? 'dg13' : 'sod';
  if (path === 'chip' || path.startsWith('chip.')) return 'sod';
  return null;
}

/** A file's bytes as base64 (what the reader saved, unchanged). */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const url = String(r.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

const PHONE = /^(0|\+84)\d{9}$/;
const clean = (s: string) => s.trim().replace(/\s+/g, '');

/**
 * Level 2 at the counter: the ID number, the chip files as the NFC reader saved them (read as
 * base64 here), the face match the officer saw, the phone for the activation code. The server
 * verifies the chip; its problems are shown next to their fields, and the form keeps its values.
 */
export function CounterPage() {
  const { et, t, lang } = useText();
  const id = useId();
  const headingRef = usePageTitle(et('counter.title'));
  const [idNumber, setIdNumber] = useState('');
  const [files, setFiles] = useState<Partial<Record<FileField, ChipFile>>>({});
  const [faceMatch, setFaceMatch] = useState<FaceMatch | ''>('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [invalid, setInvalid] = useState<Partial<Record<Field, PlainKey>>>({});
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState<CounterPurpose | null>(null);
  const [result, setResult] = useState<CounterResult | null>(null);
  const controls = useRef<Partial<Record<Field, HTMLElement | null>>>({});
  const alertRef = useRef<HTMLDivElement>(null);
  const resultRef = useRef<HTMLHeadingElement>(null);
  const focusNext = useRef<Field | 'alert' | 'result' | null>(null);

  useEffect(() => {
    const target = focusNext.current;
    if (!target) return;
    focusNext.current = null;
    if (target === 'alert') alertRef.current?.focus();
    else if (target === 'result') resultRef.current?.focus();
    else controls.current[target]?.focus();
  });

  const apiError = error instanceof ApiError ? error : null;
  const serverMessage = (f: Field): string | null => {
    const msgs = (apiError?.fieldErrors ?? []).filter((fe) => fieldOfServer(fe.field) === f).map((fe) => fe.messages?.[lang] ?? fe.message);
    return msgs.length ? msgs.join(' ') : null;
  };
  const fieldError = (f: Field): string | null => (invalid[f] ? et(invalid[f]!) : serverMessage(f));
  const summary: SummaryItem[] = FIELDS.flatMap((f) => {
    const m = fieldError(f);
    return m ? [{ id: `${id}-${f}`, label: et(LABELS[f]), message: m }] : [];
  });
  const unmapped = apiError ? apiError.fieldErrors.filter((fe) => !fieldOfServer(fe.field)) : [];
  const problemText = error ? [sentence(errorText(error, lang, t)), ...unmapped.map((fe) => `${fe.field}: ${fe.messages?.[lang] ?? fe.message}`)].join(' ') : null;
  // With fields to fix, the server's sentence (it names the failed chip checks) is shown under the list too.
  const extra = summary.length && apiError ? problemText : null;
  const canRetrySame = apiError && (apiError.kind === 'network' || apiError.status >= 500);

  const ref = (f: Field) => (el: HTMLElement | null) => {
    controls.current[f] = el;
  };
  const touched = (f: Field) => {
    if (invalid[f]) setInvalid((old) => ({ ...old, [f]: undefined }));
  };

  async function onFile(f: FileField, list: FileList | null) {
    touched(f);
    const file = list?.[0];
    if (!file) {
      setFiles((old) => ({ ...old, [f]: undefined }));
      return;
    }
    try {
      const base64 = await readBase64(file);
      setFiles((old) => ({ ...old, [f]: { name: file.name, size: file.size, base64 } }));
    } catch {
      setFiles((old) => ({ ...old, [f]: undefined }));
      setInvalid((old) => ({ ...old, [f]: 'counter.fileUnreadable' }));
    }
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (submitting) return;
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const purpose: CounterPurpose = submitter?.value === 'recovery' ? 'recovery' : 'enrolment';
    const found: Partial<Record<Field, PlainKey>> = {};
    const idv = clean(idNumber);
    if (!idv) found.idNumber = 'counter.idNumberRequired';
    else if (!/^\d{12}$/.test(idv)) found.idNumber = 'counter.idNumberDigits';
    for (const f of REQUIRED_FILES) if (!files[f]) found[f] = 'counter.fileRequired';
    if (!faceMatch) found.faceMatch = 'counter.faceRequired';
    const ph = clean(phone);
    if (!ph) found.phone = 'counter.phoneRequired';
    else if (!PHONE.test(ph)) found.phone = 'counter.phoneInvalid';
    if (email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) found.email = 'counter.emailInvalid';
    setInvalid(found);
    const first = FIELDS.find((f) => found[f]);
    if (first) {
      setError(null);
      focusNext.current = first;
      return;
    }
    const dataGroups: CounterRequest['chip']['dataGroups'] = { DG1: files.dg1!.base64 };
    if (files.dg2) dataGroups.DG2 = files.dg2.base64;
    if (files.dg13) dataGroups.DG13 = files.dg13.base64;
    const body: CounterRequest = { idNumber: idv, chip: { sod: files.sod!.base64, dataGroups }, faceMatch: faceMatch as FaceMatch, phone: ph };
    if (email.trim()) body.email = email.trim();
    setError(null);
    setSubmitting(purpose);
    try {
      const r = await atCounter(purpose, body);
      setSubmitting(null);
      setResult(r);
      focusNext.current = 'result';
    } catch (err) {
      setSubmitting(null);
      setError(err);
      focusNext.current = err instanceof ApiError ? (FIELDS.find((f) => err.fieldErrors.some((fe) => fieldOfServer(fe.field) === f)) ?? 'alert') : 'alert';
    }
  }

  function again() {
    setResult(null);
    setIdNumber('');
    setFiles({});
    setFaceMatch('');
    setPhone('');
    setEmail('');
    setError(null);
    setInvalid({});
    focusNext.current = 'idNumber';
  }

  if (result) {
    return (
      <div className="eid">
        <h1 ref={headingRef} tabIndex={-1} className="visually-hidden">
          {et('counter.title')}
        </h1>
        <section className="panel eid-result" aria-labelledby={`${id}-result`} data-testid="eid-result">
          <h2 id={`${id}-result`} ref={resultRef} tabIndex={-1}>
            {et('result.title')}
          </h2>
          <dl className="facts">
            <Fact term={et('result.kind')} testId="eid-result-kind">{et(`result.kind.${result.activation.kind}`)}</Fact>
            <Fact term={et('counter.idNumber')}>{result.account.idNumber}</Fact>
            <Fact term={et('result.sentTo')} testId="eid-result-sent-to">{result.activation.sentTo}</Fact>
            <Fact term={et('result.expiresAt')} testId="eid-result-expires">{formatInstant(result.activation.expiresAt)}</Fact>
            <Fact term={et('result.status')}>{et(`status.${result.account.status}`)}</Fact>
            <Fact term={et('result.verification')}>{String(result.verification.id)}</Fact>
          </dl>
          <p>{et('result.next')}</p>
          <p className="eid-actions">
            <button type="button" className="button button--primary" onClick={again}>
              {et('result.again')}
            </button>
            <Link to={`/eid/accounts?id=${result.account.idNumber}`} className="button button--secondary">
              {et('nav.lookup')}
            </Link>
          </p>
        </section>
      </div>
    );
  }

  const faceErr = fieldError('faceMatch');
  return (
    <div className="eid">
      <h1 ref={headingRef} tabIndex={-1}>
        {et('counter.title')}
      </h1>
      <p className="lead">{et('counter.intro')}</p>
      <form className="form panel eid-counter" noValidate onSubmit={onSubmit} aria-busy={!!submitting} data-testid="eid-counter-form">
        <ErrorSummary title={summary.length ? et('counter.fixFields', { n: summary.length }) : et('counter.failed')} items={summary} detail={summary.length ? null : problemText} alertRef={alertRef} testId="eid-counter-errors" />
        {extra && (
          <p className="notice" data-testid="eid-counter-problem">
            {extra}
          </p>
        )}
        {canRetrySame && <p className="notice">{et('counter.retrySafe')}</p>}
        <FormField id={`${id}-idNumber`} label={et('counter.idNumber')} hint={et('counter.idNumberHint')} error={fieldError('idNumber')}>
          {(p) => (
            <input {...p} ref={ref('idNumber')} name="idNumber" type="text" inputMode="numeric" autoComplete="off" spellCheck={false} maxLength={14} value={idNumber} onChange={(e) => { setIdNumber(e.currentTarget.value); touched('idNumber'); }} />
          )}
        </FormField>
        <fieldset className="eid-chip">
          <legend>{et('counter.chip')}</legend>
          <p className="field__hint">{et('counter.chipHint')}</p>
          {FILE_FIELDS.map((f) => (
            <FormField key={f} id={`${id}-${f}`} label={et(LABELS[f])} optional={!REQUIRED_FILES.has(f)} hint={files[f] ? et('counter.fileChosen', { name: files[f]!.name, size: files[f]!.size }) : undefined} error={fieldError(f)}>
              {(p) => <input {...p} ref={ref(f)} name={f} type="file" onChange={(e) => void onFile(f, e.currentTarget.files)} />}
            </FormField>
          ))}
        </fieldset>
        <fieldset className={faceErr ? 'field field--invalid choice' : 'field choice'} aria-describedby={[`${id}-face-hint`, faceErr ? `${id}-face-error` : ''].filter(Boolean).join(' ')}>
          <legend>{et('counter.face')}</legend>
          <p className="field__hint" id={`${id}-face-hint`}>
            {et('counter.faceHint')}
          </p>
          {faceErr && (
            <p className="field__error" id={`${id}-face-error`}>
              <span className="visually-hidden">{t('form.errorPrefix')} </span>
              {sentence(faceErr)}
            </p>
          )}
          <div className="choice__options">
            {(['match', 'no_match'] as const).map((v, i) => (
              <label key={v} className="choice__option">
                <input type="radio" name="faceMatch" value={v} id={i === 0 ? `${id}-faceMatch` : undefined} ref={i === 0 ? ref('faceMatch') : undefined} checked={faceMatch === v} aria-invalid={faceErr ? true : undefined} onChange={() => { setFaceMatch(v); touched('faceMatch'); }} />
                <span>{et(v === 'match' ? 'counter.faceMatch' : 'counter.faceNoMatch')}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <FormField id={`${id}-phone`} label={et('counter.phone')} hint={et('counter.phoneHint')} error={fieldError('phone')}>
          {(p) => <input {...p} ref={ref('phone')} name="phone" type="tel" inputMode="tel" autoComplete="off" maxLength={16} value={phone} onChange={(e) => { setPhone(e.currentTarget.value); touched('phone'); }} />}
        </FormField>
        <FormField id={`${id}-email`} label={et('counter.email')} optional error={fieldError('email')}>
          {(p) => <input {...p} ref={ref('email')} name="email" type="email" autoComplete="off" maxLength={254} value={email} onChange={(e) => { setEmail(e.currentTarget.value); touched('email'); }} />}
        </FormField>
        <p className="form__note">{et('counter.auditNote')}</p>
        <div className="eid-actions">
          <button type="submit" name="purpose" value="enrolment" className="button button--primary" disabled={!!submitting}>
            {submitting === 'enrolment' ? et('counter.submitting') : et('counter.submitEnrol')}
          </button>
          <button type="submit" name="purpose" value="recovery" className="button button--secondary" disabled={!!submitting}>
            {submitting === 'recovery' ? et('counter.submitting') : et('counter.submitRecover')}
          </button>
        </div>
      </form>
    </div>
  );
}
