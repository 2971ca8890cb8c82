import { useRef, useState } from 'react';
import { useFocusAfterRender } from '../ui/focus.ts';
import { errorText } from '../api/error-text.ts';
import { usePageTitle } from '../app/page.ts';
import { Fact, sentence } from '../ui/fields.tsx';
import { formatInstant } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { Pager, usePagedList } from '../ui/table.tsx';
import { listSessions, revokeOtherSessions, revokeSession, signIns, type EidSession } from './portal.api.ts';
import { textOf, useText, type PT } from './text.ts';

/** "Chrome on Android" from a User-Agent header: enough to recognise one's own devices. */
export function deviceName(ua: string | null, pt: PT): string {
  if (!ua) return pt('sessions.unknownDevice');
  const browser = /Edg\//.test(ua) ? 'Edge' : /OPR\/|Opera/.test(ua) ? 'Opera' : /Firefox\//.test(ua) ? 'Firefox' : /(Headless)?Chrome\/|CriOS\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : null;
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad|iPod/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X|Macintosh/.test(ua) ? 'macOS' : /CrOS/.test(ua) ? 'ChromeOS' : /Linux/.test(ua) ? 'Linux' : null;
  if (browser && os) return pt('sessions.deviceOn', { browser, os });
  return browser ?? os ?? ua.slice(0, 60);
}

/** Devices and sign-ins: the open sessions (sign one or all others out) and the recent sign-ins. */
export function DevicesPage() {
  const { pt } = useText();
  const ref = usePageTitle(pt('devices.title'));
  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {pt('devices.title')}
      </h1>
      <p className="lead">{pt('devices.lead')}</p>
      <SessionsSection />
      <SignInsSection />
    </div>
  );
}

function SessionsSection() {
  const { pt, t, lang } = useText();
  const sessions = useApi((signal) => listSessions({ signal }));
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();

  const done = (message: string) => {
    setNotice(message);
    setError(null);
    sessions.retry();
    // The item with the button is gone: the result takes the focus.
    focusAfterRender(() => noticeRef.current);
  };

  async function revoke(s: EidSession) {
    setBusy(s.id);
    try {
      await revokeSession(s.id);
      done(pt('sessions.revoked'));
    } catch (err) {
      setError(sentence(errorText(err, lang, t)));
    } finally {
      setBusy(null);
    }
  }

  async function revokeOthers() {
    setBusy('others');
    try {
      const r = await revokeOtherSessions();
      done(pt('sessions.revokedOthers', { n: r.revoked }));
    } catch (err) {
      setError(sentence(errorText(err, lang, t)));
    } finally {
      setBusy(null);
    }
  }

  const items = sessions.state === 'ready' ? sessions.value.items : [];
  const others = items.filter((s) => !s.current).length;

  return (
    <section className="panel" aria-labelledby="devices-sessions" data-testid="devices-sessions">
      <h2 id="devices-sessions">{pt('sessions.title')}</h2>
      <p ref={noticeRef} tabIndex={-1} role="status" className={notice ? 'notice' : 'visually-hidden'} data-testid="sessions-notice">
        {notice ?? ''}
      </p>
      <div role="alert" className={error ? 'alert' : 'visually-hidden'}>
        {error ? (
          <>
            <p className="alert__title">{pt('sessions.failed')}</p>
            <p>{error}</p>
          </>
        ) : null}
      </div>
      <LoadState l={sessions} />
      {sessions.state === 'ready' && (
        <>
          <ul className="portal-list" data-testid="sessions">
            {items.map((s) => (
              <li key={s.id} className={s.current ? 'portal-item portal-item--current' : 'portal-item'} data-testid="session" data-current={s.current}>
                <p className="portal-item__title">
                  <strong>{deviceName(s.userAgent, pt)}</strong>
                  {s.current && <span className="badge badge--ok">{pt('sessions.current')}</span>}
                </p>
                <dl className="facts facts--compact">
                  <Fact term={pt('sessions.method')}>{textOf(pt, `method.${s.method}`, s.method)}</Fact>
                  <Fact term={pt('sessions.level')}>{pt('eid.levelValue', { level: s.acr })}</Fact>
                  <Fact term={pt('sessions.since')}>{formatInstant(s.createdAt)}</Fact>
                  <Fact term={pt('sessions.lastSeen')}>{formatInstant(s.lastSeenAt)}</Fact>
                  <Fact term={pt('sessions.ip')}>{s.ip}</Fact>
                </dl>
                {!s.current && (
                  <button type="button" className="button button--secondary button--danger-outline" onClick={() => revoke(s)} disabled={busy !== null}>
                    {pt('sessions.revoke')}
                    <span className="visually-hidden">: {deviceName(s.userAgent, pt)}, {formatInstant(s.createdAt)}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
          {others > 0 ? (
            <button type="button" className="button button--danger" onClick={revokeOthers} disabled={busy !== null}>
              {pt('sessions.revokeOthers')}
            </button>
          ) : (
            <p className="muted">{pt('sessions.onlyThis')}</p>
          )}
        </>
      )}
    </section>
  );
}

const SIGN_INS_PAGE = 20;
const NEWEST_FIRST = { key: 'at', dir: 'desc' } as const;

/** The sign-ins, newest first, a page at a time. */
function SignInsSection() {
  const { pt } = useText();
  const paged = usePagedList((p, signal) => signIns(p, { signal }), { limit: SIGN_INS_PAGE, sort: NEWEST_FIRST });
  const { list } = paged;
  return (
    <section className="panel" aria-labelledby="devices-signins" data-testid="devices-signins">
      <h2 id="devices-signins">{pt('signIns.title')}</h2>
      {list.state === 'ready' && <p className="muted" data-testid="sign-ins-retention">{pt('signIns.retention', { n: list.value.retentionMonths })}</p>}
      <LoadState l={list} />
      <p role="status" className={list.state === 'ready' && list.value.items.length ? 'muted' : 'visually-hidden'} data-testid="sign-ins-range">
        {list.state === 'ready' && list.value.items.length ? pt('signIns.shown', { from: list.value.offset + 1, to: list.value.offset + list.value.items.length }) : ''}
      </p>
      {list.state === 'ready' &&
        (list.value.items.length ? (
          <table className="portal-table" aria-labelledby="devices-signins" data-testid="sign-ins">
            <thead>
              <tr>
                <th scope="col">{pt('sessions.since')}</th>
                <th scope="col">{pt('col.status')}</th>
                <th scope="col">{pt('sessions.method')}</th>
                <th scope="col">{pt('sessions.device')}</th>
                <th scope="col">{pt('sessions.ip')}</th>
              </tr>
            </thead>
            <tbody>
              {list.value.items.map((r, i) => (
                <tr key={i} data-outcome={r.outcome}>
                  <th scope="row" data-label={pt('sessions.since')}>
                    <span>{formatInstant(r.at)}</span>
                  </th>
                  <td data-label={pt('col.status')}>
                    <span>
                      <span className={r.outcome === 'success' ? 'status' : 'status status--missing'}>{r.outcome === 'success' ? pt('signIns.success') : pt('signIns.failure')}</span>
                      {r.reason && r.outcome === 'failure' && <span className="muted"> ({textOf(pt, `reason.${r.reason}`, r.reason)})</span>}
                    </span>
                  </td>
                  <td data-label={pt('sessions.method')}>
                    <span>{textOf(pt, `method.${r.method}`, r.method)}</span>
                  </td>
                  <td data-label={pt('sessions.device')}>
                    <span>{deviceName(r.userAgent, pt)}</span>
                  </td>
                  <td data-label={pt('sessions.ip')}>
                    <span>{r.ip ?? '—'}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{pt('signIns.none')}</p>
        ))}
      {list.state === 'ready' && <Pager page={list.value} onPage={paged.setOffset} label={pt('signIns.pages')} />}
    </section>
  );
}
