import { useLayoutEffect, useRef, useState } from 'react';
import { useFocusAfterRender } from '../ui/focus.ts';
import { errorText } from '../api/error-text.ts';
import { usePageTitle } from '../app/page.ts';
import { Fact, sentence } from '../ui/fields.tsx';
import { formatInstant } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { listApplications, withdrawApplication, type Application } from './portal.api.ts';
import { textOf, useText } from './text.ts';

/** The applications the citizen let sign them in, what each receives, and "withdraw". */
export function ApplicationsPage() {
  const { pt } = useText();
  const ref = usePageTitle(pt('apps.title'));
  const apps = useApi((signal) => listApplications({ signal }));
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();

  const withdrawn = (a: Application) => {
    if (apps.state === 'ready') apps.set({ items: apps.value.items.filter((x) => x.clientId !== a.clientId) });
    setNotice(pt('apps.withdrawn', { org: a.organisation }));
    focusAfterRender(() => noticeRef.current);
  };

  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {pt('apps.title')}
      </h1>
      <p className="lead">{pt('apps.lead')}</p>
      <p ref={noticeRef} tabIndex={-1} role="status" className={notice ? 'notice' : 'visually-hidden'} data-testid="apps-notice">
        {notice ?? ''}
      </p>
      <LoadState l={apps} />
      {apps.state === 'ready' &&
        (apps.value.items.length ? (
          <ul className="portal-list" data-testid="applications">
            {apps.value.items.map((a) => (
              <AppItem key={a.clientId} a={a} onWithdrawn={() => withdrawn(a)} />
            ))}
          </ul>
        ) : (
          <p className="panel">{pt('apps.none')}</p>
        ))}
    </div>
  );
}

function AppItem({ a, onWithdrawn }: { a: Application; onWithdrawn(): void }) {
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
      await withdrawApplication(a.clientId);
      onWithdrawn();
    } catch (err) {
      setBusy(false);
      setError(sentence(errorText(err, lang, t)));
    }
  }

  return (
    <li className="panel portal-app" data-testid="application" data-client-id={a.clientId}>
      <h2>{a.organisation}</h2>
      <dl className="facts">
        {a.purpose && (
          <Fact term={pt('apps.purpose')}>
            <span lang={lang}>{a.purpose[lang]}</span>
          </Fact>
        )}
        <Fact term={pt('apps.scopes')}>
          <ul className="plain-list">
            {a.scopes.map((s) => (
              <li key={s}>{textOf(pt, `scope.${s}`, s)}</li>
            ))}
          </ul>
        </Fact>
        <Fact term={pt('apps.grantedAt')}>{formatInstant(a.grantedAt)}</Fact>
        <Fact term={pt('apps.clientId')}>
          <code>{a.clientId}</code>
        </Fact>
      </dl>
      {!confirming ? (
        <button ref={askRef} type="button" className="button button--secondary button--danger-outline" onClick={() => setConfirming(true)}>
          {pt('apps.withdraw')}
          <span className="visually-hidden">: {a.organisation}</span>
        </button>
      ) : (
        <div className="panel panel--warning">
          <p ref={confirmRef} tabIndex={-1}>
            {pt('apps.confirmWithdraw', { org: a.organisation })}
          </p>
          {error && (
            <div role="alert" className="alert">
              <p className="alert__title">{pt('apps.failed')}</p>
              <p>{error}</p>
            </div>
          )}
          <div className="form__actions">
            <button type="button" className="button button--danger" onClick={withdraw} disabled={busy}>
              {busy ? pt('apps.withdrawing') : pt('apps.confirm')}
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
