import { useLayoutEffect, useId, useRef, useState } from 'react';
import { useFocusAfterRender } from '../ui/focus.ts';
import { errorText } from '../api/error-text.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { formatInstant } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { AdminNav } from './AdminNav.tsx';
import { KeysForm } from './KeysForm.tsx';
import { disableClient, listClients, replaceClientKeys, type OidcClient } from './admin.api.ts';
import { useOfficerUsernames } from './officer-names.ts';
import { Fact, sentence, useFlash } from './fields.tsx';
import { textOf, useText, type DT } from './text.ts';

/** The registered clients, newest registration last, each with its keys and the admin's actions. */
export function ClientsPage() {
  const { dt } = useText();
  const id = useId();
  const ref = usePageTitle(dt('clients.title'));
  const flash = useFlash();
  const clients = useApi((signal) => listClients({ signal }));
  const [notice, setNotice] = useState<((dt: DT) => string) | null>(() => flash);

  // Clients record the officer who registered them by ID: show the username.
  const username = useOfficerUsernames(clients.state === 'ready' ? clients.value.items.map((c) => c.createdBy) : []);

  const replace = (c: OidcClient, message: (dt: DT) => string) => {
    if (clients.state === 'ready') clients.set({ items: clients.value.items.map((x) => (x.clientId === c.clientId ? c : x)) });
    setNotice(() => message);
  };

  return (
    <div className="admin">
      <AdminNav current="clients" />
      <h1 ref={ref} tabIndex={-1}>
        {dt('clients.title')}
      </h1>
      <p className="lead">{dt('clients.intro')}</p>
      <div role="status" className={notice ? 'notice' : 'visually-hidden'} data-testid="admin-flash">
        {notice ? notice(dt) : ''}
      </div>
      <p>
        <Link to="/admin/oidc-clients/new" className="button button--primary admin-new">
          {dt('clients.new')}
        </Link>
      </p>
      <LoadState l={clients} title={dt('clients.loadFailed')} />
      {clients.state === 'ready' && (
        <section aria-labelledby={`${id}-list`}>
          <h2 id={`${id}-list`} className="visually-hidden">
            {dt('clients.title')}
          </h2>
          <p className="results__status">{clients.value.items.length ? dt('clients.count', { n: clients.value.items.length }) : dt('clients.none')}</p>
          <ul className="client-list" data-testid="clients">
            {clients.value.items.map((c) => (
              <ClientItem key={c.clientId} c={c} createdBy={username(c.createdBy)} onChanged={replace} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function ClientItem({ c, createdBy, onChanged }: { c: OidcClient; createdBy: string; onChanged(c: OidcClient, message: (dt: DT) => string): void }) {
  const { dt, lang } = useText();
  const id = useId();
  const [mode, setMode] = useState<'view' | 'keys' | 'confirm'>('view');
  const disableRef = useRef<HTMLButtonElement>(null);
  const keysRef = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const back = (to: 'disable' | 'keys') => {
    setMode('view');
    focusAfterRender(() => (to === 'disable' ? disableRef : keysRef).current);
  };
  const kids = (c.jwks?.keys ?? []).map((k) => String(k.kid ?? k.kty ?? '?'));
  const editable = c.kind !== 'first_party' && !c.disabledAt;

  return (
    <li className={c.disabledAt ? 'panel client client--disabled' : 'panel client'} data-testid="client" data-client-id={c.clientId}>
      <h3 id={`${id}-title`}>{c.organisation}</h3>
      <dl className="facts">
        <Fact term={dt('clients.clientId')} testId="client-id">
          <code>{c.clientId}</code>
        </Fact>
        <Fact term={dt('clients.kind')}>{textOf(dt, `kind.${c.kind}`, c.kind)}</Fact>
        <Fact term={dt('clients.status')}>{c.disabledAt ? <span className="status status--deceased">{dt('clients.disabledAt', { at: formatInstant(c.disabledAt) })}</span> : <span className="status">{dt('clients.active')}</span>}</Fact>
        {c.purpose && (
          <Fact term={dt('clients.purpose')}>
            <span lang={lang}>{c.purpose[lang]}</span>
          </Fact>
        )}
        <Fact term={dt('clients.scopes')}>
          {c.scopes.length ? (
            <ul className="plain-list">
              {c.scopes.map((s) => (
                <li key={s}>
                  {textOf(dt, `scope.${s}`, s)} <code className="muted">{s}</code>
                </li>
              ))}
            </ul>
          ) : null}
        </Fact>
        {c.kind !== 'partner_system' && <Fact term={dt('clients.minLevel')}>{dt('clients.level', { n: c.minLevel })}</Fact>}
        {c.redirectUris.length > 0 && (
          <Fact term={dt('clients.redirectUris')}>
            <ul className="plain-list">
              {c.redirectUris.map((u) => (
                <li key={u}>
                  <code>{u}</code>
                </li>
              ))}
            </ul>
          </Fact>
        )}
        {c.postLogoutRedirectUris.length > 0 && (
          <Fact term={dt('clients.postLogoutRedirectUris')}>
            <ul className="plain-list">
              {c.postLogoutRedirectUris.map((u) => (
                <li key={u}>
                  <code>{u}</code>
                </li>
              ))}
            </ul>
          </Fact>
        )}
        <Fact term={dt('clients.auth')}>{textOf(dt, `auth.${c.tokenEndpointAuthMethod}`, c.tokenEndpointAuthMethod)}</Fact>
        {c.tokenEndpointAuthMethod === 'private_key_jwt' && (
          <Fact term={dt('clients.keys')} testId="client-keys">
            {c.jwksUri ? <code>{c.jwksUri}</code> : kids.length ? dt('clients.keyIds', { n: kids.length, kids: kids.join(', ') }) : null}
          </Fact>
        )}
        {c.kind === 'relying_party' && (
          <Fact term={dt('clients.sector')}>
            <code>{c.sector}</code>
          </Fact>
        )}
        <Fact term={dt('clients.created')}>{dt('clients.createdBy', { at: formatInstant(c.createdAt), by: createdBy })}</Fact>
      </dl>

      {c.kind === 'first_party' && <p className="muted client__note">{dt('clients.firstParty')}</p>}
      {editable && mode === 'view' && (
        <div className="form__actions client__actions">
          {c.tokenEndpointAuthMethod === 'private_key_jwt' && (
            <button ref={keysRef} type="button" className="button button--secondary" aria-expanded="false" onClick={() => setMode('keys')}>
              {dt('clients.replaceKeys')}
              <span className="visually-hidden"> — {c.organisation}</span>
            </button>
          )}
          <button ref={disableRef} type="button" className="button button--secondary button--danger-outline" onClick={() => setMode('confirm')}>
            {dt('clients.disable')}
            <span className="visually-hidden"> — {c.organisation}</span>
          </button>
        </div>
      )}
      {mode === 'keys' && (
        <KeysForm
          initial={c.jwks ?? null}
          heading="h4"
          onCancel={() => back('keys')}
          onSave={async (jwks) => {
            const updated = await replaceClientKeys(c.clientId, jwks);
            onChanged(updated, (d) => d('keysForm.saved', { org: updated.organisation }));
            back('keys');
          }}
        />
      )}
      {mode === 'confirm' && (
        <ConfirmDisable
          c={c}
          onCancel={() => back('disable')}
          onDone={() => onChanged({ ...c, disabledAt: new Date().toISOString() }, (d) => d('clients.disabled', { org: c.organisation }))}
        />
      )}
    </li>
  );
}

function ConfirmDisable({ c, onCancel, onDone }: { c: OidcClient; onCancel(): void; onDone(): void }) {
  const { dt, t, lang } = useText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ref = useRef<HTMLParagraphElement>(null);
  useLayoutEffect(() => ref.current?.focus(), []);

  async function go() {
    setBusy(true);
    setError(null);
    try {
      await disableClient(c.clientId);
      onDone();
    } catch (e) {
      setBusy(false);
      setError(e);
    }
  }

  return (
    <div className="panel panel--warning client__confirm" data-testid="client-confirm">
      <p ref={ref} tabIndex={-1}>
        {dt('clients.confirmDisable', { org: c.organisation })}
      </p>
      <div role="alert" className={error ? 'alert' : 'visually-hidden'}>
        {error ? (
          <>
            <p className="alert__title">{dt('clients.actionFailed')}</p>
            <p>{sentence(errorText(error, lang, t))}</p>
          </>
        ) : null}
      </div>
      <div className="form__actions">
        <button type="button" className="button button--danger" onClick={go} disabled={busy}>
          {busy ? dt('clients.disabling') : dt('clients.confirm')}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel} disabled={busy}>
          {dt('clients.keep')}
        </button>
      </div>
    </div>
  );
}
