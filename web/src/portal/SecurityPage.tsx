import { useLayoutEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useFocusAfterRender } from '../ui/focus.ts';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { ErrorSummary, FormField, sentence, type SummaryItem } from '../ui/fields.tsx';
import { formatInstant } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { useCitizen } from './PortalApp.tsx';
import { changePassword, confirmTotp, deletePasskey, listPasskeys, passkeyOptions, registerPasskey, removeTotp, renamePasskey, startTotp, type Passkey } from './portal.api.ts';
import { useText, type PT } from './text.ts';
import { createPasskey, passkeysSupported } from './webauthn.ts';

/** The messages of a failed call, by form field (server names → ours), and what names no field. */
function serverErrors<F extends string>(err: unknown, map: Record<string, F>, lang: 'vi' | 'en'): { fields: Partial<Record<F, string>>; other: string[] } {
  const fields: Partial<Record<F, string>> = {};
  const other: string[] = [];
  if (err instanceof ApiError)
    for (const fe of err.fieldErrors) {
      const f = map[fe.field];
      const msg = fe.messages?.[lang] ?? fe.message;
      if (f && !fields[f]) fields[f] = msg;
      else if (!f) other.push(msg);
    }
  return { fields, other };
}

/** A form's errors shown next to the fields, focus on the first (or on the summary when none is a field's). */
function useFormErrors<F extends string>(order: readonly F[], fid: (f: F) => string) {
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({});
  const [detail, setDetail] = useState<string | null>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();
  function show(errs: Partial<Record<F, string>>, d: string | null) {
    setErrors(errs);
    setDetail(d);
    const first = order.find((f) => errs[f]);
    focusAfterRender(first ? fid(first) : () => alertRef.current);
  }
  function clear(f?: F) {
    if (f) setErrors((o) => (o[f] ? { ...o, [f]: undefined } : o));
    else {
      setErrors({});
      setDetail(null);
    }
  }
  return { errors, detail, alertRef, show, clear };
}

/** Account security: password, authenticator app (TOTP), passkeys. */
export function SecurityPage() {
  const { pt } = useText();
  const ref = usePageTitle(pt('security.title'));
  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {pt('security.title')}
      </h1>
      <p className="lead">{pt('security.lead')}</p>
      <PasswordSection />
      <TotpSection />
      <PasskeysSection />
    </div>
  );
}

type PwField = 'currentPassword' | 'newPassword' | 'confirm';
const PW_ORDER: readonly PwField[] = ['currentPassword', 'newPassword', 'confirm'];

function PasswordSection() {
  const { pt, t, lang } = useText();
  const { account, refresh } = useCitizen();
  const id = useId();
  const fid = (f: PwField) => `${id}-${f}`;
  const [v, setV] = useState<Record<PwField, string>>({ currentPassword: '', newPassword: '', confirm: '' });
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const doneRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const e = useFormErrors(PW_ORDER, fid);
  const labels: Record<PwField, string> = { currentPassword: pt('password.current'), newPassword: pt('password.new'), confirm: pt('password.confirm') };
  const set = (f: PwField) => (ev: { currentTarget: { value: string } }) => {
    const value = ev.currentTarget.value;
    setV((o) => ({ ...o, [f]: value }));
    e.clear(f);
  };

  async function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    if (busy) return;
    setDone(false);
    const errs: Partial<Record<PwField, string>> = {};
    if (!v.currentPassword) errs.currentPassword = pt('password.currentRequired');
    if (!v.newPassword) errs.newPassword = pt('password.newRequired');
    else if (v.newPassword.length < 12) errs.newPassword = pt('password.newShort');
    if (v.newPassword && v.confirm !== v.newPassword) errs.confirm = pt('password.mismatch');
    if (Object.keys(errs).length) return e.show(errs, null);
    setBusy(true);
    e.clear();
    try {
      await changePassword({ currentPassword: v.currentPassword, newPassword: v.newPassword });
      setV({ currentPassword: '', newPassword: '', confirm: '' });
      setDone(true);
      refresh();
      focusAfterRender(() => doneRef.current);
    } catch (err) {
      const { fields, other } = serverErrors<PwField>(err, { currentPassword: 'currentPassword', newPassword: 'newPassword' }, lang);
      e.show(fields, Object.keys(fields).length ? null : [sentence(errorText(err, lang, t)), ...other].join(' '));
    } finally {
      setBusy(false);
    }
  }

  const items: SummaryItem[] = PW_ORDER.filter((f) => e.errors[f]).map((f) => ({ id: fid(f), label: labels[f], message: e.errors[f]! }));
  const field = (f: PwField, autoComplete: string, hint?: string) => (
    <FormField id={fid(f)} label={labels[f]} hint={hint} error={e.errors[f]}>
      {(p) => <input {...p} name={f} type="password" autoComplete={autoComplete} maxLength={256} value={v[f]} onChange={set(f)} />}
    </FormField>
  );

  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid="security-password">
      <h2 id={`${id}-title`}>{pt('password.title')}</h2>
      {account.passwordChangedAt && <p className="muted">{pt('password.changedAt', { at: formatInstant(account.passwordChangedAt) })}</p>}
      <p ref={doneRef} tabIndex={-1} role="status" className={done ? 'notice' : 'visually-hidden'} data-testid="password-done">
        {done ? pt('password.done') : ''}
      </p>
      <ErrorSummary title={items.length ? pt('fixFields', { n: items.length }) : pt('password.failed')} items={items} detail={e.detail} alertRef={e.alertRef} testId="password-errors" />
      <form className="form portal-form" noValidate onSubmit={submit} aria-busy={busy} aria-labelledby={`${id}-title`}>
        {field('currentPassword', 'current-password')}
        {field('newPassword', 'new-password', pt('password.newHint'))}
        {field('confirm', 'new-password')}
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? pt('password.submitting') : pt('password.submit')}
        </button>
      </form>
    </section>
  );
}

/** "JBSW Y3DP EHPK 3PXP": a secret typed by hand is read in groups of four. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

function TotpSection() {
  const { pt, t, lang } = useText();
  const { account, refresh } = useCitizen();
  const id = useId();
  const [mode, setMode] = useState<'idle' | 'starting' | 'enrol' | 'remove'>('idle');
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string; qr: string | null } | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const enrolRef = useRef<HTMLParagraphElement>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const e = useFormErrors<'code' | 'password'>(['code', 'password'], (f) => `${id}-${f}`);

  useLayoutEffect(() => {
    if (mode === 'enrol') enrolRef.current?.focus();
    if (mode === 'remove') document.getElementById(`${id}-password`)?.focus();
  }, [mode, id]);

  async function start() {
    setNotice(null);
    e.clear();
    setMode('starting');
    try {
      const r = await startTotp();
      setEnrolment({ ...r, qr: null });
      setCode('');
      setMode('enrol');
      import('../cards/qr.ts')
        .then((m) => m.qrDataUrl(r.uri))
        .then(
          (qr) => setEnrolment((o) => (o && o.uri === r.uri ? { ...o, qr } : o)),
          () => undefined,
        );
    } catch (err) {
      setMode('idle');
      e.show({}, sentence(errorText(err, lang, t)));
    }
  }

  async function confirm(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const c = code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(c)) return e.show({ code: pt('totp.codeRequired') }, null);
    setBusy(true);
    e.clear();
    try {
      await confirmTotp(c);
      setEnrolment(null);
      setMode('idle');
      setNotice(pt('totp.enabled'));
      refresh();
      focusAfterRender(() => noticeRef.current);
    } catch (err) {
      const { fields, other } = serverErrors<'code'>(err, { code: 'code' }, lang);
      e.show(fields, Object.keys(fields).length ? null : [sentence(errorText(err, lang, t)), ...other].join(' '));
    } finally {
      setBusy(false);
    }
  }

  async function remove(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    if (!password) return e.show({ password: pt('totp.passwordRequired') }, null);
    setBusy(true);
    e.clear();
    try {
      await removeTotp(password);
      setPassword('');
      setMode('idle');
      setNotice(pt('totp.removed'));
      refresh();
      focusAfterRender(() => noticeRef.current);
    } catch (err) {
      // The server names the password `currentPassword` in this answer.
      const { fields, other } = serverErrors<'password'>(err, { password: 'password', currentPassword: 'password' }, lang);
      e.show(fields, Object.keys(fields).length ? null : [sentence(errorText(err, lang, t)), ...other].join(' '));
    } finally {
      setBusy(false);
    }
  }

  const items: SummaryItem[] = (['code', 'password'] as const).filter((f) => e.errors[f]).map((f) => ({ id: `${id}-${f}`, label: f === 'code' ? pt('totp.code') : pt('totp.password'), message: e.errors[f]! }));
  const on = account.totpEnabled;

  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid="security-totp">
      <h2 id={`${id}-title`}>{pt('totp.title')}</h2>
      <p data-testid="totp-state">
        <span className={on ? 'status' : 'status status--deceased'}>{on ? '✓' : '—'}</span> {on ? pt('totp.on') : pt('totp.off')}
      </p>
      <p ref={noticeRef} tabIndex={-1} role="status" className={notice ? 'notice' : 'visually-hidden'} data-testid="totp-notice">
        {notice ?? ''}
      </p>
      <ErrorSummary title={items.length ? pt('fixFields', { n: items.length }) : pt('totp.failed')} items={items} detail={e.detail} alertRef={e.alertRef} testId="totp-errors" />

      {!on && (mode === 'idle' || mode === 'starting') && (
        <button ref={startRef} type="button" className="button button--primary" onClick={start} disabled={mode === 'starting'}>
          {mode === 'starting' ? pt('totp.starting') : pt('totp.start')}
        </button>
      )}
      {!on && mode === 'enrol' && enrolment && (
        <div className="totp-enrol" data-testid="totp-enrol">
          <p ref={enrolRef} tabIndex={-1}>
            {pt('totp.scan')}
          </p>
          <div className="totp-enrol__codes">
            {enrolment.qr ? <img src={enrolment.qr} alt={pt('totp.qrAlt')} width={176} height={176} className="totp-enrol__qr" /> : <div className="portal-qr__placeholder" aria-hidden="true" />}
            <dl className="facts">
              <div>
                <dt>{pt('totp.secret')}</dt>
                <dd>
                  <code className="totp-secret" data-testid="totp-secret" data-secret={enrolment.secret}>
                    {grouped(enrolment.secret)}
                  </code>
                </dd>
              </div>
            </dl>
          </div>
          <form className="form portal-form" noValidate onSubmit={confirm} aria-busy={busy}>
            <FormField id={`${id}-code`} label={pt('totp.code')} error={e.errors.code}>
              {(p) => <input {...p} name="code" type="text" inputMode="numeric" autoComplete="one-time-code" maxLength={7} value={code} onChange={(ev) => { setCode(ev.currentTarget.value); e.clear('code'); }} />}
            </FormField>
            <div className="form__actions">
              <button type="submit" className="button button--primary" disabled={busy}>
                {busy ? pt('totp.confirming') : pt('totp.confirm')}
              </button>
              <button
                type="button"
                className="button button--secondary"
                disabled={busy}
                onClick={() => {
                  setMode('idle');
                  setEnrolment(null);
                  e.clear();
                  focusAfterRender(() => startRef.current);
                }}
              >
                {pt('cancel')}
              </button>
            </div>
          </form>
        </div>
      )}
      {on && mode !== 'remove' && (
        <button type="button" className="button button--secondary" onClick={() => { setNotice(null); setMode('remove'); }}>
          {pt('totp.remove')}
        </button>
      )}
      {on && mode === 'remove' && (
        <form className="form portal-form" noValidate onSubmit={remove} aria-busy={busy} aria-label={pt('totp.remove')}>
          <p className="form__note">{pt('totp.removeIntro')}</p>
          <FormField id={`${id}-password`} label={pt('totp.password')} error={e.errors.password}>
            {(p) => <input {...p} name="password" type="password" autoComplete="current-password" maxLength={256} value={password} onChange={(ev) => { setPassword(ev.currentTarget.value); e.clear('password'); }} />}
          </FormField>
          <div className="form__actions">
            <button type="submit" className="button button--primary" disabled={busy}>
              {busy ? pt('totp.removing') : pt('totp.removeSubmit')}
            </button>
            <button type="button" className="button button--secondary" disabled={busy} onClick={() => { setMode('idle'); setPassword(''); e.clear(); }}>
              {pt('cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function PasskeysSection() {
  const { pt, t, lang } = useText();
  const { refresh } = useCitizen();
  const id = useId();
  const list = useApi((signal) => listPasskeys({ signal }));
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const supported = passkeysSupported();

  async function add(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    setBusy(true);
    setNotice(null);
    setError(null);
    try {
      const { challengeId, options } = await passkeyOptions();
      const response = await createPasskey(options);
      if (!response) {
        setError(pt('passkeys.cancelled'));
        return;
      }
      const created = await registerPasskey({ challengeId, response, ...(name.trim() ? { name: name.trim() } : {}) });
      setName('');
      setNotice(pt('passkeys.added', { name: created.name }));
      list.retry();
      refresh();
    } catch (err) {
      setError(err instanceof ApiError ? sentence(errorText(err, lang, t)) : `${pt('passkeys.cancelled')} (${(err as Error).message})`);
    } finally {
      setBusy(false);
    }
  }

  const changed = (message: string) => {
    setNotice(message);
    setError(null);
    list.retry();
    refresh();
  };

  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid="security-passkeys">
      <h2 id={`${id}-title`}>{pt('passkeys.title')}</h2>
      <p>{pt('passkeys.intro')}</p>
      <p role="status" className={notice ? 'notice' : 'visually-hidden'} data-testid="passkeys-notice">
        {notice ?? ''}
      </p>
      <div role="alert" className={error ? 'alert' : 'visually-hidden'}>
        {error ? (
          <>
            <p className="alert__title">{pt('passkeys.failed')}</p>
            <p>{error}</p>
          </>
        ) : null}
      </div>
      <LoadState l={list} />
      {list.state === 'ready' &&
        (list.value.items.length ? (
          <ul className="portal-list" data-testid="passkeys">
            {list.value.items.map((k) => (
              <PasskeyItem key={k.credentialId} k={k} pt={pt} onChanged={changed} />
            ))}
          </ul>
        ) : (
          <p>{pt('passkeys.none')}</p>
        ))}
      {supported ? (
        <form className="form portal-form portal-form--inline" noValidate onSubmit={add} aria-busy={busy} aria-label={pt('passkeys.add')}>
          <FormField id={`${id}-name`} label={pt('passkeys.name')} hint={pt('passkeys.nameHint')} optional>
            {(p) => <input {...p} name="passkeyName" type="text" autoComplete="off" maxLength={100} value={name} onChange={(ev) => setName(ev.currentTarget.value)} />}
          </FormField>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? pt('passkeys.adding') : pt('passkeys.add')}
          </button>
        </form>
      ) : (
        <p className="notice">{pt('passkeys.unsupported')}</p>
      )}
    </section>
  );
}

function PasskeyItem({ k, pt, onChanged }: { k: Passkey; pt: PT; onChanged(message: string): void }) {
  const { t, lang } = useText();
  const id = useId();
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const [name, setName] = useState(k.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const renameRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();

  useLayoutEffect(() => {
    if (mode === 'rename') document.getElementById(`${id}-name`)?.focus();
    if (mode === 'delete') confirmRef.current?.focus();
  }, [mode, id]);

  const back = () => {
    setMode('view');
    setError(null);
    focusAfterRender(() => renameRef.current);
  };

  async function rename(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    if (!name.trim()) {
      setError(pt('passkeys.nameRequired'));
      document.getElementById(`${id}-name`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const r = await renamePasskey(k.credentialId, name.trim());
      setMode('view');
      onChanged(pt('passkeys.renamed', { name: r.name }));
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldMessage('name', lang) : null;
      setError(fe ?? sentence(errorText(err, lang, t)));
      document.getElementById(`${id}-name`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    try {
      await deletePasskey(k.credentialId);
      onChanged(pt('passkeys.deleted', { name: k.name }));
    } catch (err) {
      setBusy(false);
      setError(sentence(errorText(err, lang, t)));
    }
  }

  return (
    <li className="portal-item" data-testid="passkey">
      <p className="portal-item__title">
        <strong>{k.name}</strong>
        {k.backedUp && <span className="badge">{pt('passkeys.synced')}</span>}
      </p>
      <p className="muted">
        {pt('passkeys.created', { at: formatInstant(k.createdAt) })} · {k.lastUsedAt ? pt('passkeys.lastUsed', { at: formatInstant(k.lastUsedAt) }) : pt('passkeys.neverUsed')}
      </p>
      {mode === 'view' && (
        <div className="form__actions">
          <button ref={renameRef} type="button" className="button button--secondary" onClick={() => setMode('rename')}>
            {pt('passkeys.rename')}
            <span className="visually-hidden"> {k.name}</span>
          </button>
          <button type="button" className="button button--secondary button--danger-outline" onClick={() => setMode('delete')}>
            {pt('passkeys.delete')}
            <span className="visually-hidden"> {k.name}</span>
          </button>
        </div>
      )}
      {mode === 'rename' && (
        <form className="form portal-form" noValidate onSubmit={rename} aria-busy={busy} aria-label={`${pt('passkeys.rename')} ${k.name}`}>
          <FormField id={`${id}-name`} label={pt('passkeys.newName')} error={error}>
            {(p) => <input {...p} name="name" type="text" autoComplete="off" maxLength={100} value={name} onChange={(ev) => { setName(ev.currentTarget.value); setError(null); }} />}
          </FormField>
          <div className="form__actions">
            <button type="submit" className="button button--primary" disabled={busy}>
              {pt('passkeys.save')}
            </button>
            <button type="button" className="button button--secondary" disabled={busy} onClick={() => { setName(k.name); back(); }}>
              {pt('cancel')}
            </button>
          </div>
        </form>
      )}
      {mode === 'delete' && (
        <div className="panel panel--warning">
          <p ref={confirmRef} tabIndex={-1}>
            {pt('passkeys.confirmDelete', { name: k.name })}
          </p>
          {error && (
            <p role="alert" className="alert">
              {error}
            </p>
          )}
          <div className="form__actions">
            <button type="button" className="button button--danger" onClick={remove} disabled={busy}>
              {pt('passkeys.confirm')}
            </button>
            <button type="button" className="button button--secondary" disabled={busy} onClick={back}>
              {pt('cancel')}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
