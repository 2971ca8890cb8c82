import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { navigateWithQuery, useLocationSearch } from '../registry/location.ts';
import { ErrorSummary, Fact, FormField, sentence } from '../ui/fields.tsx';
import { formatInstant } from '../ui/format.ts';
import { readAccount, setSuspended, type OfficerAccount } from './eid.api.ts';
import { textOf, useText, type PlainKey } from './text.ts';

type Outcome = { kind: 'idle' } | { kind: 'loading' } | { kind: 'done'; account: OfficerAccount } | { kind: 'error'; error: unknown };

function check(q: string): PlainKey | null {
  const v = q.trim();
  if (!v) return 'counter.idNumberRequired';
  if (!/^\d{12}$/.test(v)) return 'counter.idNumberDigits';
  return null;
}

/** Account lookup: an ID number → the account's status, level, masked phone, counter verifications; suspend or reactivate with a reason. */
export function LookupPage() {
  const { et, t, lang } = useText();
  const id = useId();
  const search = useLocationSearch();
  const q = new URLSearchParams(search).get('id') ?? '';
  const [value, setValue] = useState(q);
  const [problem, setProblem] = useState<PlainKey | null>(null);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [rerun, setRerun] = useState(0);
  const [done, setDone] = useState('');
  const headingRef = usePageTitle(et('lookup.title'));
  const qRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setValue(q);
    if (check(q)) {
      setOutcome({ kind: 'idle' });
      return;
    }
    const ctrl = new AbortController();
    setOutcome({ kind: 'loading' });
    readAccount(q.trim(), { signal: ctrl.signal }).then(
      (account) => setOutcome({ kind: 'done', account }),
      (error: unknown) => {
        if (!ctrl.signal.aborted) setOutcome({ kind: 'error', error });
      },
    );
    return () => ctrl.abort();
  }, [q, rerun]);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const p = check(value);
    setProblem(p);
    setDone('');
    if (p) {
      qRef.current?.focus();
      return;
    }
    const to = `/eid/accounts?${new URLSearchParams({ id: value.trim() }).toString()}`;
    if (to === window.location.pathname + window.location.search) setRerun((n) => n + 1);
    else navigateWithQuery(to);
  }

  const qError = problem ? et(problem) : outcome.kind === 'error' && outcome.error instanceof ApiError ? outcome.error.fieldMessage('idNumber', lang) : null;
  const a = outcome.kind === 'done' ? outcome.account : null;

  return (
    <div className="eid">
      <h1 ref={headingRef} tabIndex={-1}>
        {et('lookup.title')}
      </h1>
      <p className="lead">{et('lookup.intro')}</p>
      <form className="form panel" role="search" noValidate onSubmit={onSubmit}>
        <FormField id={`${id}-q`} label={et('counter.idNumber')} hint={et('counter.idNumberHint')} error={qError}>
          {(p) => <input {...p} ref={qRef} name="id" type="search" inputMode="numeric" autoComplete="off" spellCheck={false} maxLength={14} value={value} onChange={(e) => setValue(e.currentTarget.value)} />}
        </FormField>
        <button type="submit" className="button button--primary">
          {et('lookup.submit')}
        </button>
      </form>

      <p role="status" className="results__status">
        {outcome.kind === 'loading' ? et('lookup.loading') : done}
      </p>
      <div role="alert" className={outcome.kind === 'error' && !qError ? 'alert' : 'visually-hidden'}>
        {outcome.kind === 'error' && !qError ? (
          <>
            <p className="alert__title">{et('lookup.failed')}</p>
            <p>{sentence(errorText(outcome.error, lang, t))}</p>
          </>
        ) : null}
      </div>

      {a && (
        <section className="panel" aria-labelledby={`${id}-account`} data-testid="eid-account">
          <h2 id={`${id}-account`}>{et('lookup.account', { idNumber: a.idNumber })}</h2>
          <dl className="facts">
            <Fact term={et('lookup.status')} testId="eid-account-status">
              <span className={`status status--${a.status}`}>{textOf(et, `status.${a.status}`, a.status)}</span>
            </Fact>
            <Fact term={et('lookup.level')} testId="eid-account-level">{et('lookup.levelValue', { level: a.level })}</Fact>
            <Fact term={et('lookup.phone')} testId="eid-account-phone">{a.phoneMasked}</Fact>
            <Fact term={et('lookup.createdAt')}>{formatInstant(a.createdAt)}</Fact>
            <Fact term={et('lookup.statusChangedAt')}>{formatInstant(a.statusChangedAt)}</Fact>
            <Fact term={et('lookup.statusReason')}>{a.statusReason}</Fact>
            <Fact term={et('lookup.lockedUntil')}>{a.lockedUntil ? formatInstant(a.lockedUntil) : null}</Fact>
            <Fact term={et('lookup.totp')}>{a.totpEnabled ? et('lookup.totpOn') : et('lookup.totpOff')}</Fact>
          </dl>
          <h3>{et('lookup.verifications')}</h3>
          {a.verifications.length === 0 ? (
            <p>{et('lookup.noVerifications')}</p>
          ) : (
            <ul className="eid-verifications" data-testid="eid-verifications">
              {a.verifications.map((v) => (
                <li key={v.id}>
                  <strong>{v.result === 'accepted' ? et('lookup.accepted') : et('lookup.refused')}</strong> · {et(`lookup.purpose.${v.purpose}`)} · <span className="nowrap">{formatInstant(v.at)}</span>
                  {v.chipFailures.length > 0 && <> · {v.chipFailures.join(', ')}</>}
                  {v.refusal && <> · {v.refusal}</>}
                </li>
              ))}
            </ul>
          )}
          {(a.status !== 'closed') && (
            <StatusAction
              key={`${a.idNumber}-${a.status}`}
              account={a}
              onDone={(msg) => {
                setDone(msg);
                setRerun((n) => n + 1);
              }}
            />
          )}
        </section>
      )}
    </div>
  );
}

/** Suspend (or reactivate a suspended account), with a required reason. */
function StatusAction({ account, onDone }: { account: OfficerAccount; onDone(message: string): void }) {
  const { et, t, lang } = useText();
  const id = useId();
  const suspend = account.status !== 'suspended';
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef<HTMLInputElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  const serverField = error instanceof ApiError ? error.fieldMessage('reason', lang) : null;
  const reasonError = invalid ? et('action.reasonRequired') : serverField;
  const label = suspend ? et('action.suspend') : et('action.reactivate');

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const r = reason.trim();
    if (!r) {
      setInvalid(true);
      setError(null);
      reasonRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await setSuspended(account.idNumber, suspend, r);
      onDone(suspend ? et('action.suspended') : et('action.reactivated'));
    } catch (err) {
      setBusy(false);
      setError(err);
      if (err instanceof ApiError && err.fieldMessage('reason', lang)) reasonRef.current?.focus();
      else setTimeout(() => alertRef.current?.focus(), 0);
    }
  }

  return (
    <form className="form eid-status-form" noValidate onSubmit={onSubmit} aria-busy={busy} data-testid="eid-status-form">
      <h3>{label}</h3>
      <ErrorSummary title={et('action.failed')} items={[]} detail={error && !serverField ? sentence(errorText(error, lang, t)) : null} alertRef={alertRef} />
      <FormField id={`${id}-reason`} label={et('action.reason')} hint={et('action.reasonHint')} error={reasonError}>
        {(p) => <input {...p} ref={reasonRef} name="reason" type="text" autoComplete="off" maxLength={1000} value={reason} onChange={(e) => { setReason(e.currentTarget.value); setInvalid(false); }} />}
      </FormField>
      <button type="submit" className={suspend ? 'button button--secondary button--danger-outline' : 'button button--primary'} disabled={busy}>
        {busy ? et('action.submitting') : label}
      </button>
    </form>
  );
}
