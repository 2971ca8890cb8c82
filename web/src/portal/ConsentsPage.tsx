import { useLayoutEffect, useRef, useState } from 'react';
import { errorText } from '../api/error-text.ts';
import { usePageTitle } from '../app/page.ts';
import { Fact, sentence } from '../ui/fields.tsx';
import { useFocusAfterRender } from '../ui/focus.ts';
import { formatInstant, formatPartialDate } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { decideConsentRequest, listConsentRequests, listConsents, withdrawConsent, type Consent, type ConsentRequest } from './portal.api.ts';
import { textOf, useText } from './text.ts';

/** My consents: requests waiting for an answer, the consents given (receipt, withdraw). */
export function ConsentsPage() {
  const { pt } = useText();
  const ref = usePageTitle(pt('consents.title'));
  const requests = useApi((signal) => listConsentRequests({ signal }));
  const consents = useApi((signal) => listConsents({ signal }));
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();

  const changed = (message: string) => {
    setNotice(message);
    requests.retry();
    consents.retry();
    // The item with the button is gone or changed: the result takes the focus.
    focusAfterRender(() => noticeRef.current);
  };

  const pending = requests.state === 'ready' ? requests.value.items.filter((r) => r.status === 'pending') : [];
  const order = { active: 0, expired: 1, withdrawn: 2 } as const;
  const list = consents.state === 'ready' ? [...consents.value.items].sort((a, b) => order[a.status] - order[b.status] || b.grantedAt.localeCompare(a.grantedAt)) : [];

  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {pt('consents.title')}
      </h1>
      <p className="lead">{pt('consents.lead')}</p>
      <p ref={noticeRef} tabIndex={-1} role="status" className={notice ? 'notice' : 'visually-hidden'} data-testid="consents-notice">
        {notice ?? ''}
      </p>

      <section className="panel" aria-labelledby="consent-requests" data-testid="consent-requests">
        <h2 id="consent-requests">{pt('requests.title')}</h2>
        <LoadState l={requests} />
        {requests.state === 'ready' &&
          (pending.length ? (
            <ul className="portal-list">
              {pending.map((r) => (
                <RequestItem key={r.id} r={r} onDecided={changed} />
              ))}
            </ul>
          ) : (
            <p>{pt('requests.none')}</p>
          ))}
      </section>

      <section className="panel" aria-labelledby="consents-given" data-testid="consents">
        <h2 id="consents-given">{pt('consents.list')}</h2>
        <LoadState l={consents} />
        {consents.state === 'ready' &&
          (list.length ? (
            <ul className="portal-list">
              {list.map((c) => (
                <ConsentItem key={c.id} c={c} onWithdrawn={changed} />
              ))}
            </ul>
          ) : (
            <p>{pt('consents.none')}</p>
          ))}
      </section>
    </div>
  );
}

function RequestItem({ r, onDecided }: { r: ConsentRequest; onDecided(message: string): void }) {
  const { pt, t, lang } = useText();
  const [busy, setBusy] = useState<'approve' | 'decline' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const org = r.organisation.name ?? r.organisation.id;

  async function decide(decision: 'approve' | 'decline') {
    setBusy(decision);
    setError(null);
    try {
      await decideConsentRequest(r.id, decision);
      onDecided(decision === 'approve' ? pt('requests.approved', { org }) : pt('requests.declined', { org }));
    } catch (err) {
      setBusy(null);
      setError(sentence(errorText(err, lang, t)));
    }
  }

  return (
    <li className="portal-item consent-request" data-testid="consent-request">
      <h3 className="portal-item__title">{pt('requests.asks', { org })}</h3>
      <dl className="facts facts--compact">
        <Fact term={pt('access.fields')}>
          <ul className="plain-list">
            {r.fields.map((f) => (
              <li key={f.field}>{f.label[lang]}</li>
            ))}
          </ul>
        </Fact>
        <Fact term={pt('access.purpose')}>{r.purpose.label?.[lang] ?? r.purpose.code}</Fact>
        <Fact term={pt('requests.until')}>{formatPartialDate(r.validUntil)}</Fact>
        {r.message && (
          <Fact term={pt('requests.message')}>
            <q>{r.message}</q>
          </Fact>
        )}
        <Fact term={pt('requests.expires')}>{formatInstant(r.expiresAt)}</Fact>
      </dl>
      {error && (
        <div role="alert" className="alert">
          <p className="alert__title">{pt('requests.failed')}</p>
          <p>{error}</p>
        </div>
      )}
      <div className="form__actions">
        <button type="button" className="button button--primary" onClick={() => decide('approve')} disabled={busy !== null}>
          {pt('requests.approve')}
          <span className="visually-hidden">: {org}</span>
        </button>
        <button type="button" className="button button--secondary" onClick={() => decide('decline')} disabled={busy !== null}>
          {pt('requests.decline')}
          <span className="visually-hidden">: {org}</span>
        </button>
      </div>
    </li>
  );
}

function ConsentItem({ c, onWithdrawn }: { c: Consent; onWithdrawn(message: string): void }) {
  const { pt, t, lang } = useText();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const askRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();
  useLayoutEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  async function withdraw() {
    setBusy(true);
    setError(null);
    try {
      await withdrawConsent(c.id);
      onWithdrawn(pt('consents.withdrawn', { org: c.organisation.name }));
    } catch (err) {
      setBusy(false);
      setError(sentence(errorText(err, lang, t)));
    }
  }

  return (
    <li className="portal-item consent" data-testid="consent" data-status={c.status}>
      <h3 className="portal-item__title">
        <span>{c.organisation.name}</span>
        <span className={c.status === 'active' ? 'status' : 'status status--deceased'}>{textOf(pt, `consentStatus.${c.status}`, c.status)}</span>
      </h3>
      <dl className="facts facts--compact">
        <Fact term={pt('access.purpose')}>{c.purpose.label?.[lang] ?? c.purpose.code}</Fact>
        <Fact term={pt('access.fields')}>{c.fields.map((f) => f.label[lang]).join(', ')}</Fact>
        <Fact term={pt('consents.grantedAt')}>{formatInstant(c.grantedAt)}</Fact>
        <Fact term={pt('consents.validUntil')}>{formatPartialDate(c.validUntil)}</Fact>
        {c.withdrawnAt && <Fact term={pt('consents.withdrawnAt')}>{formatInstant(c.withdrawnAt)}</Fact>}
        <Fact term={pt('consents.method')}>{textOf(pt, `consentMethod.${c.method}`, c.method)}</Fact>
      </dl>
      <p className="consent__links">
        <a href={c.receiptUrl} target="_blank" rel="noopener">
          {pt('consents.receipt')}
          <span className="visually-hidden">: {c.organisation.name}</span>
        </a>
        <a href={`${c.receiptUrl}?format=json`} download={`consent-${c.id}.json`}>
          {pt('consents.receiptJson')}
        </a>
      </p>
      {c.status === 'active' && !confirming && (
        <button ref={askRef} type="button" className="button button--secondary button--danger-outline" onClick={() => setConfirming(true)}>
          {pt('consents.withdraw')}
          <span className="visually-hidden">: {c.organisation.name}</span>
        </button>
      )}
      {confirming && (
        <div className="panel panel--warning">
          <p ref={confirmRef} tabIndex={-1}>
            {pt('consents.confirmWithdraw', { org: c.organisation.name })}
          </p>
          {error && (
            <div role="alert" className="alert">
              <p className="alert__title">{pt('consents.failed')}</p>
              <p>{error}</p>
            </div>
          )}
          <div className="form__actions">
            <button type="button" className="button button--danger" onClick={withdraw} disabled={busy}>
              {busy ? pt('consents.withdrawing') : pt('consents.confirm')}
            </button>
            <button
              type="button"
              className="button button--secondary"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
                setError(null);
                focusAfterRender(() => askRef.current);
              }}
            >
              {pt('cancel')}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
