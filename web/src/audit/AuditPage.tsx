import { useEffect, useId, useRef, useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { NotFoundPage } from '../app/NotFoundPage.tsx';
import { usePageTitle } from '../app/page.ts';
import { useOfficer } from '../auth/session.tsx';
import { Fact, FormField } from '../ui/fields.tsx';
import '../styles/audit.css';
import { useOfficerNames } from '../auth/officer-names.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { lastCheckpoint, latestReceipt, retryPush, searchEntries, verifyChain, verifyWithReceipt, type AuditEntryView, type AuditQuery, type ChainBreak, type ReceiptPush, type VerifyResult } from './audit.api.ts';
import { textOf, useText, type AT } from './text.ts';

const PAGE = 50;

/** The audit module (loaded on first visit): chain verification for auditors and admins, the log search for auditors. */
export default function AuditPage({ path }: { path: string }) {
  if (path !== '/audit') return <NotFoundPage path={path} />;
  return <AuditHome />;
}

function AuditHome() {
  const { at } = useText();
  const officer = useOfficer();
  const headingRef = usePageTitle(at('title'));
  const mayRead = officer.roles.includes('auditor');
  return (
    <div className="audit">
      <h1 ref={headingRef} tabIndex={-1}>
        {at('title')}
      </h1>
      <p className="lead">{at('intro')}</p>
      <VerifySection />
      <ReceiptSection />
      {mayRead ? <SearchSection /> : <p className="notice">{at('search.auditorsOnly')}</p>}
    </div>
  );
}

/** "dd/mm/yyyy HH:mm:ss" in Vietnam time. */
const VN_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = Object.fromEntries(VN_TIME.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

function breakText(b: ChainBreak, at: AT): string {
  switch (b.kind) {
    case 'altered':
      return at('break.altered', { seq: b.seq });
    case 'inserted':
      return at('break.inserted', { seq: b.seq });
    case 'deleted':
      return b.missing.length ? at('break.deleted', { seq: b.afterSeq, missing: b.missing.map((m) => `#${m}`).join(', ') }) : at('break.deletedRenumbered', { seq: b.afterSeq });
    case 'rehashed_or_deleted':
      return at('break.rehashed', { seq: b.seq });
    case 'checkpoint_changed':
      return at('break.checkpointChanged', { seq: b.seq, time: formatTime(b.verifiedAt) });
    case 'receipt_mismatch':
      return at('break.receiptMismatch', { seq: b.seq, time: formatTime(b.at) });
  }
}

function Facts({ children }: { children: ReactNode }) {
  return <dl className="facts audit-facts">{children}</dl>;
}

/** The outcome of a walk: the server's result with the first break, what was walked and what was not. */
function WalkResult({ r, nameOf }: { r: VerifyResult; nameOf: (ref: string) => string }) {
  const { at, lang } = useText();
  const number = (n: number) => n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');
  return (
    <div className={r.ok ? 'audit-result audit-result--ok' : 'audit-result audit-result--broken'}>
      <p className="audit-result__title" data-testid="audit-verify-status">
        <span aria-hidden="true">{r.ok ? '✓ ' : '✗ '}</span>
        {r.ok ? at('verify.ok') : at('verify.broken')}
      </p>
      <Facts>
        {r.firstBreak && (
          <Fact term={at('verify.firstBreak')} testId="audit-verify-break">
            {breakText(r.firstBreak, at)}
          </Fact>
        )}
        <Fact term={at('verify.walk')} testId="audit-verify-walk">
          {r.startedFrom ? at('verify.walkIncremental', { seq: r.startedFrom.seq }) : at('verify.walkFull')}
        </Fact>
        {r.receipt && (
          <>
            <Fact term={at('receipt.signed')} testId="audit-receipt-signed">
              {at('receipt.signedValue', { seq: r.receipt.seq, time: formatTime(r.receipt.at), kid: r.receipt.kid })}
            </Fact>
            <Fact term={at('receipt.matched')} testId="audit-receipt-matched">
              {r.receipt.matched ? at('receipt.matchedYes', { seq: r.receipt.seq }) : at('receipt.matchedNo', { seq: r.receipt.seq })}
            </Fact>
            <Fact term={at('receipt.after')} testId="audit-receipt-after">
              {r.receipt.after.entries ? at('verify.rangeValue', { from: r.receipt.after.fromSeq, to: r.receipt.after.toSeq }) : null}
            </Fact>
          </>
        )}
        <Fact term={at('verify.range')} testId="audit-verify-range">
          {r.entries ? at('verify.rangeValue', { from: r.fromSeq, to: r.toSeq }) : null}
        </Fact>
        <Fact term={at('verify.entries')} testId="audit-verify-entries">
          {number(r.entries)}
        </Fact>
        {r.notWalked && r.startedFrom && (
          <Fact term={at('verify.notWalked')} testId="audit-verify-not-walked">
            {at('verify.notWalkedValue', { from: r.notWalked.fromSeq, to: r.notWalked.toSeq, time: formatTime(r.startedFrom.verifiedAt), by: nameOf(r.startedFrom.verifiedBy) })}
          </Fact>
        )}
        <Fact term={at('verify.head')}>{r.head ? `#${r.head.seq}` : null}</Fact>
        <Fact term={at('verify.headHash')}>{r.head && <code className="hash">{r.head.hash}</code>}</Fact>
        <Fact term={at('verify.pending')}>{String(r.pendingInInbox)}</Fact>
        <Fact term={at('verify.serverMessage')}>
          <span lang={lang}>{r.messages[lang]}</span>
        </Fact>
      </Facts>
    </div>
  );
}

type Verify = { state: 'idle' } | { state: 'running'; full: boolean } | { state: 'done'; result: VerifyResult } | { state: 'error'; error: unknown };

function pushState(p: ReceiptPush, at: AT): string {
  if (p.status === 'pending') return p.attempts ? at('push.pending', { attempts: p.attempts }) : at('push.queued');
  return at(`push.${p.status}`, { attempts: p.attempts, code: p.lastStatus ? at('push.code', { status: p.lastStatus }) : '' });
}

type Resend = { state: 'idle' } | { state: 'busy' } | { state: 'done'; push: ReceiptPush } | { state: 'error'; error: unknown };

/** One keeper's push of the last receipt; a failed one shows why and, for an admin, "Send again". */
function PushItem({ push, mayResend }: { push: ReceiptPush; mayResend: boolean }) {
  const { at, t, lang } = useText();
  const [r, setR] = useState<Resend>({ state: 'idle' });
  const stateRef = useRef<HTMLSpanElement>(null);
  const p = r.state === 'done' ? r.push : push;

  async function resend() {
    setR({ state: 'busy' });
    try {
      setR({ state: 'done', push: await retryPush(p.id) });
      // The button is gone: keep the keyboard where it was, on the row's new state.
      stateRef.current?.focus();
    } catch (error) {
      setR({ state: 'error', error });
    }
  }

  return (
    <li data-testid="audit-push" data-status={p.status} className="audit-push">
      <span ref={stateRef} tabIndex={-1} data-testid="audit-push-state">
        <code>{p.url}</code>: {pushState(p, at)}
      </span>
      {p.status === 'failed' && p.lastError && (
        <span className="audit-push__error" data-testid="audit-push-error">
          {at('push.lastError', { error: p.lastError })}
        </span>
      )}
      {p.status === 'failed' && mayResend && (
        <button type="button" className="button button--secondary" onClick={resend} disabled={r.state === 'busy'} aria-describedby={`audit-push-${p.id}-why`}>
          {at('push.resend')}
        </button>
      )}
      <span role="status" id={`audit-push-${p.id}-why`} className={r.state === 'error' ? 'field__error' : 'audit-push__note'} data-testid="audit-push-message">
        {r.state === 'busy' && at('push.resending')}
        {r.state === 'done' && at('push.resent')}
        {r.state === 'error' && errorText(r.error, lang, t)}
      </span>
    </li>
  );
}

function VerifySection() {
  const { at, t, lang } = useText();
  const officer = useOfficer();
  const [v, setV] = useState<Verify>({ state: 'idle' });
  const last = useApi((signal) => lastCheckpoint({ signal }));
  const r = v.state === 'done' ? v.result : null;
  const checkpoint = last.state === 'ready' ? last.value.checkpoint : null;
  const officerName = useOfficerNames([checkpoint?.verifiedBy ?? '', r?.startedFrom?.verifiedBy ?? ''].filter((v) => v && v !== 'system'));
  // The platform's scheduled check records its checkpoints as 'system' (src/platform/audit/audit.checkpointer.ts).
  const nameOf = (by: string) => (by === 'system' ? at('checkpoint.bySystem') : officerName(by));
  const number = (n: number) => n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');

  async function run(full: boolean) {
    setV({ state: 'running', full });
    try {
      setV({ state: 'done', result: await verifyChain(full) });
    } catch (error) {
      setV({ state: 'error', error });
    }
    last.retry();
  }

  return (
    <section className="panel audit-verify" aria-labelledby="audit-verify-title" data-testid="audit-verify">
      <h2 id="audit-verify-title">{at('verify.title')}</h2>
      <p className="form__note">{at('verify.intro')}</p>
      <div data-testid="audit-checkpoint">
        <LoadState l={last} title={at('checkpoint.failed')} />
        {last.state === 'ready' &&
          (checkpoint ? (
            <Facts>
              <Fact term={at('checkpoint.title')} testId="audit-checkpoint-seq">
                {at('checkpoint.value', { seq: checkpoint.seq, time: formatTime(checkpoint.verifiedAt), by: nameOf(checkpoint.verifiedBy) })}
              </Fact>
              <Fact term={at('checkpoint.since')} testId="audit-checkpoint-since">
                {number(Math.max(0, last.value.headSeq - checkpoint.seq))}
              </Fact>
              <Fact term={at('receipt.download.term')}>
                <ReceiptDownload seq={checkpoint.seq} />
              </Fact>
              {last.value.pushes.length > 0 && (
                <Fact term={at('checkpoint.pushes')} testId="audit-checkpoint-pushes">
                  <ul className="plain-list audit-pushes">
                    {last.value.pushes.map((p) => (
                      // A fresher view from the server (after a verification) replaces the row's own.
                      <PushItem key={`${p.id}:${p.status}:${p.attempts}`} push={p} mayResend={officer.roles.includes('admin')} />
                    ))}
                  </ul>
                </Fact>
              )}
            </Facts>
          ) : (
            <p data-testid="audit-checkpoint-none">{at('checkpoint.none')}</p>
          ))}
      </div>
      <div className="form__actions">
        <button type="button" className="button button--primary" onClick={() => run(false)} disabled={v.state === 'running'}>
          {at('verify.runNew')}
        </button>
        <button type="button" className="button button--secondary" onClick={() => run(true)} disabled={v.state === 'running'}>
          {at('verify.runFull')}
        </button>
      </div>
      <div role="status" aria-atomic="true" data-testid="audit-verify-result">
        {v.state === 'running' && <p>{v.full ? at('verify.runningFull') : at('verify.running')}</p>}
        {r && <WalkResult r={r} nameOf={nameOf} />}
      </div>
      {v.state === 'error' && (
        <div role="alert" className="alert">
          <p className="alert__title">{at('verify.failed')}</p>
          <p>{errorText(v.error, lang, t)}</p>
        </div>
      )}
    </section>
  );
}

function saveFile(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

type Download = { state: 'idle' } | { state: 'busy' } | { state: 'done'; seq: number } | { state: 'error'; error: unknown };

/** Saves the signed receipt of the last checkpoint as a file, for the auditor to keep outside the platform. */
function ReceiptDownload({ seq }: { seq: number }) {
  const { at, t, lang } = useText();
  const [d, setD] = useState<Download>({ state: 'idle' });
  async function download() {
    setD({ state: 'busy' });
    try {
      const r = await latestReceipt();
      saveFile(`open06-audit-receipt-${r.seq}.jws`, `${r.receipt}\n`, 'application/jose');
      setD({ state: 'done', seq: r.seq });
    } catch (error) {
      setD({ state: 'error', error });
    }
  }
  return (
    <>
      <button type="button" className="button button--secondary" onClick={download} disabled={d.state === 'busy'} data-testid="audit-receipt-download">
        {at('receipt.download', { seq })}
      </button>
      <span role="status" className="audit-receipt-status">
        {d.state === 'done' && ` ${at('receipt.downloaded', { seq: d.seq })}`}
        {d.state === 'error' && ` ${errorText(d.error, lang, t)}`}
      </span>
    </>
  );
}

type ReceiptCheck = { state: 'idle' } | { state: 'running' } | { state: 'done'; result: VerifyResult } | { state: 'error'; error: unknown };

/** The receipt the server refused, as a reason next to the box (the field it names), or null when the refusal is not about the receipt. */
function receiptFieldError(error: unknown, lang: 'vi' | 'en', t: Parameters<typeof errorText>[2], at: AT): string | null {
  if (!(error instanceof ApiError)) return null;
  const f = error.fieldErrors.find((e) => e.field === 'receipt' || e.field.startsWith('receipt.'));
  if (!f) return null;
  const part = f.field === 'receipt' ? '' : ` (${at('receipt.part', { field: f.field })})`;
  return `${errorText(error, lang, t)}${part}`;
}

/** Paste (or read from a file) a receipt kept outside the platform and walk the whole chain against it. */
function ReceiptSection() {
  const { at, t, lang } = useText();
  const id = useId();
  const [text, setText] = useState('');
  const [fileError, setFileError] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [c, setC] = useState<ReceiptCheck>({ state: 'idle' });
  const boxRef = useRef<HTMLTextAreaElement>(null);
  const nameOf = useOfficerNames([]);
  const serverFieldError = c.state === 'error' ? receiptFieldError(c.error, lang, t, at) : null;
  const fieldError = localError ?? serverFieldError;

  async function readFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.currentTarget.files?.[0];
    if (!file) return;
    try {
      setText((await file.text()).trim());
      setFileError(null);
      setLocalError(null);
      setC({ state: 'idle' });
    } catch {
      setFileError(at('receipt.fileUnreadable', { name: file.name }));
    }
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (c.state === 'running') return;
    if (!text.trim()) {
      setLocalError(at('receipt.empty'));
      boxRef.current?.focus();
      return;
    }
    setLocalError(null);
    setC({ state: 'running' });
    try {
      setC({ state: 'done', result: await verifyWithReceipt(text.trim()) });
    } catch (error) {
      setC({ state: 'error', error });
      if (receiptFieldError(error, lang, t, at)) boxRef.current?.focus();
    }
  }

  return (
    <section className="panel audit-receipt" aria-labelledby={`${id}-title`} data-testid="audit-receipt">
      <h2 id={`${id}-title`}>{at('receipt.title')}</h2>
      <p className="form__note">{at('receipt.intro')}</p>
      <form className="form" noValidate onSubmit={submit} aria-labelledby={`${id}-title`}>
        <FormField id={`${id}-text`} label={at('receipt.label')} hint={at('receipt.hint')} error={fieldError}>
          {(p) => <textarea {...p} ref={boxRef} name="receipt" rows={4} spellCheck={false} autoComplete="off" className="code-input" value={text} onChange={(e) => setText(e.currentTarget.value)} />}
        </FormField>
        <FormField id={`${id}-file`} label={at('receipt.file')} error={fileError} optional>
          {(p) => <input {...p} name="receiptFile" type="file" accept=".jws,.txt,.json,application/jose" onChange={readFile} />}
        </FormField>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={c.state === 'running'}>
            {at('receipt.submit')}
          </button>
        </div>
      </form>
      <div role="status" aria-atomic="true" data-testid="audit-receipt-result">
        {c.state === 'running' && <p>{at('receipt.running')}</p>}
        {c.state === 'done' && <WalkResult r={c.result} nameOf={nameOf} />}
      </div>
      {c.state === 'error' && !serverFieldError && (
        <div role="alert" className="alert">
          <p className="alert__title">{at('verify.failed')}</p>
          <p>{errorText(c.error, lang, t)}</p>
        </div>
      )}
    </section>
  );
}

type Filters = { subjectId: string; actorId: string; action: string };
type Results = { state: 'idle' } | { state: 'searching' } | { state: 'ready'; query: Filters; items: AuditEntryView[]; next: number | null; loadingMore: boolean; moreError: unknown } | { state: 'error'; error: unknown };

const KNOWN_ACTIONS = ['person.read', 'person.search_result', 'person.history_read', 'person.read_as_of', 'household.read', 'registry.birth_registered', 'registry.correction_requested', 'registry.correction_approved', 'registry.correction_rejected', 'registry.duplicate_merged', 'audit.searched', 'officer.login', 'officer.login_failed', 'officer.created', 'officer.updated', 'oidc.client.save', 'oidc.client.jwks', 'oidc.client.disable'];

function SearchSection() {
  const { at, t, lang } = useText();
  const id = useId();
  const [f, setF] = useState<Filters>({ subjectId: '', actorId: '', action: '' });
  const [res, setRes] = useState<Results>({ state: 'idle' });
  const listRef = useRef<HTMLOListElement>(null);
  const [focusAt, setFocusAt] = useState<number | null>(null);

  // After "load more", keyboard users continue at the first entry just loaded.
  useEffect(() => {
    if (focusAt === null) return;
    (listRef.current?.children[focusAt]?.querySelector('h3') as HTMLElement | null)?.focus();
    setFocusAt(null);
  }, [focusAt]);

  function query(q: Filters, beforeSeq?: number): AuditQuery {
    const out: AuditQuery = { limit: PAGE };
    if (q.subjectId.trim()) out.subjectId = q.subjectId.trim();
    if (q.actorId.trim()) out.actorId = q.actorId.trim();
    if (q.action.trim()) out.action = q.action.trim();
    if (beforeSeq !== undefined) out.beforeSeq = beforeSeq;
    return out;
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const q = { ...f };
    setRes({ state: 'searching' });
    try {
      const r = await searchEntries(query(q));
      setRes({ state: 'ready', query: q, items: r.items, next: r.items.length < PAGE ? null : r.nextBeforeSeq, loadingMore: false, moreError: null });
    } catch (error) {
      setRes({ state: 'error', error });
    }
  }

  async function more() {
    if (res.state !== 'ready' || res.next === null) return;
    const before = res.items.length;
    setRes({ ...res, loadingMore: true, moreError: null });
    try {
      const r = await searchEntries(query(res.query, res.next));
      setRes({ ...res, items: [...res.items, ...r.items], next: r.items.length < PAGE ? null : r.nextBeforeSeq, loadingMore: false, moreError: null });
      if (r.items.length) setFocusAt(before);
    } catch (error) {
      setRes({ ...res, loadingMore: false, moreError: error });
    }
  }

  const field = (k: keyof Filters, label: string, hint?: string, list?: string) => (
    <div className="field">
      <label htmlFor={`${id}-${k}`}>
        {label} <span className="field__optional">{at('form.optional')}</span>
      </label>
      {hint && (
        <p className="field__hint" id={`${id}-${k}-hint`}>
          {hint}
        </p>
      )}
      <input id={`${id}-${k}`} name={k} type="text" maxLength={64} autoComplete="off" spellCheck={false} list={list} aria-describedby={hint ? `${id}-${k}-hint` : undefined} value={f[k]} onChange={(e) => setF({ ...f, [k]: e.currentTarget.value })} />
    </div>
  );

  const nameOf = useOfficerNames(res.state === 'ready' ? res.items.filter((e) => e.actorKind === 'officer').map((e) => e.actorId) : []);

  let status = '';
  if (res.state === 'searching') status = at('search.searching');
  else if (res.state === 'ready') status = res.items.length ? `${at('search.shown', { n: res.items.length })}${res.next === null ? ` ${at('search.noMore')}` : ''}` : at('search.none');

  return (
    <section className="panel audit-search" aria-labelledby={`${id}-title`} data-testid="audit-search">
      <h2 id={`${id}-title`}>{at('search.title')}</h2>
      <p className="form__note">{at('search.intro')}</p>
      <form className="form audit-search__form" noValidate onSubmit={submit} role="search" aria-labelledby={`${id}-title`}>
        {field('subjectId', at('search.subjectId'), at('search.subjectIdHint'))}
        {field('actorId', at('search.actorId'))}
        {field('action', at('search.action'), at('search.actionHint'), `${id}-actions`)}
        <datalist id={`${id}-actions`}>
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {textOf(at, `action.${a}`) ?? a}
            </option>
          ))}
        </datalist>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={res.state === 'searching'}>
            {at('search.submit')}
          </button>
          <button
            type="button"
            className="button button--quiet"
            onClick={() => {
              setF({ subjectId: '', actorId: '', action: '' });
              setRes({ state: 'idle' });
            }}
          >
            {at('search.clear')}
          </button>
        </div>
      </form>

      <p role="status" className="audit-status" data-testid="audit-status">
        {res.state === 'ready' && res.loadingMore ? at('search.loadingMore') : status}
      </p>
      {res.state === 'error' && (
        <div role="alert" className="alert">
          <p className="alert__title">{at('search.failed')}</p>
          <p>{errorText(res.error, lang, t)}</p>
        </div>
      )}
      {res.state === 'ready' && res.items.length > 0 && (
        <>
          <h3 className="visually-hidden">{at('search.results')}</h3>
          <ol ref={listRef} className="audit-entries" data-testid="audit-entries">
            {res.items.map((e) => (
              <Entry key={e.seq} e={e} nameOf={nameOf} />
            ))}
          </ol>
          {res.moreError !== null && (
            <div role="alert" className="alert">
              <p className="alert__title">{at('search.failed')}</p>
              <p>{errorText(res.moreError, lang, t)}</p>
            </div>
          )}
          {res.next !== null && (
            <button type="button" className="button button--secondary audit-more" onClick={more} disabled={res.loadingMore}>
              {res.loadingMore ? at('search.loadingMore') : at('search.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function Entry({ e, nameOf }: { e: AuditEntryView; nameOf: (ref: string) => string }) {
  const { at } = useText();
  const action = textOf(at, `action.${e.action}`);
  const actor = textOf(at, `actor.${e.actorKind}`) ?? e.actorKind;
  const details = e.details && Object.keys(e.details).length ? JSON.stringify(e.details) : null;
  return (
    <li className="audit-entry" data-testid="audit-entry" data-action={e.action}>
      <h3 tabIndex={-1} className="audit-entry__title">
        <span className="audit-entry__action">{action ?? e.action}</span> <code className="audit-entry__code">{e.action}</code>
        <span className="audit-entry__meta">{at('entry.title', { seq: e.seq, time: formatTime(e.at) })}</span>
      </h3>
      <Facts>
        <Fact term={at('entry.actor')} testId="audit-entry-actor">
          {actor}: {e.actorKind === 'officer' && nameOf(e.actorId) !== e.actorId ? `${nameOf(e.actorId)} · ` : ''}
          <code>{e.actorId}</code>
        </Fact>
        <Fact term={at('entry.subject')} testId="audit-entry-subject">
          {e.subjectId ? (
            <>
              {e.subjectKind ? `${e.subjectKind} ` : ''}
              <code>{e.subjectId}</code>
            </>
          ) : null}
        </Fact>
        {e.purpose && <Fact term={at('entry.purpose')}>{e.purpose}</Fact>}
        {e.fields && e.fields.length > 0 && <Fact term={at('entry.fields')}>{e.fields.join(', ')}</Fact>}
        {e.legalBasis && <Fact term={at('entry.legalBasis')}>{e.legalBasis}</Fact>}
        {details && (
          <Fact term={at('entry.details')}>
            <code className="audit-entry__details">{details}</code>
          </Fact>
        )}
        {e.requestId && (
          <Fact term={at('entry.requestId')}>
            <code>{e.requestId}</code>
          </Fact>
        )}
        <Fact term={at('entry.hash')}>
          <code className="hash">{e.hash}</code>
        </Fact>
      </Facts>
    </li>
  );
}
