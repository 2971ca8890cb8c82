import { useLayoutEffect, useId, useRef, useState } from 'react';
import { useFocusAfterRender } from '../ui/focus.ts';
import { errorText } from '../api/error-text.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { formatInstant } from '../ui/format.ts';
import { LoadState } from '../ui/load.tsx';
import { FilterSelect } from '../ui/fields.tsx';
import { Pager, sortParam, useDebounced, usePagedList, type Sort } from '../ui/table.tsx';
import type { Page } from '../api/page.ts';
import { AdminNav } from './AdminNav.tsx';
import { KeysForm } from './KeysForm.tsx';
import { disableClient, listClients, replaceClientKeys, type ClientKind, type OidcClient } from './admin.api.ts';
import { useOfficerUsernames } from './officer-names.ts';
import { Fact, sentence, useFlash } from './fields.tsx';
import { textOf, useText, type DT } from './text.ts';

type SortKey = 'name' | 'createdAt';
const SORTS = ['createdAt', '-createdAt', 'name', '-name'] as const;
const PAGE = 20;

/** The registered clients, a page at a time (in registration order, or by name), filtered by the server; each with its keys and the admin's actions. */
export function ClientsPage() {
  const { dt } = useText();
  const id = useId();
  const ref = usePageTitle(dt('clients.title'));
  const flash = useFlash();
  const [notice, setNotice] = useState<((dt: DT) => string) | null>(() => flash);
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<ClientKind | ''>('');
  const [status, setStatus] = useState<'' | 'active' | 'disabled'>('');
  const name = useDebounced(q.trim());
  const paged = usePagedList<Page<OidcClient>, SortKey>((p, signal) => listClients({ ...p, q: name, kind, status }, { signal }), { limit: PAGE, sort: { key: 'createdAt', dir: 'asc' }, filters: [name, kind, status] });
  const { list: clients } = paged;

  // Clients record the officer who registered them by ID: show the username.
  const username = useOfficerUsernames(clients.state === 'ready' ? clients.value.items.map((c) => c.createdBy) : []);

  const replace = (c: OidcClient, message: (dt: DT) => string) => {
    if (clients.state === 'ready') clients.set({ ...clients.value, items: clients.value.items.map((x) => (x.clientId === c.clientId ? c : x)) });
    setNotice(() => message);
  };

  const statusLine = () => {
    if (clients.state !== 'ready') return '';
    const { items, offset } = clients.value;
    if (items.length) return dt('clients.count', { from: offset + 1, to: offset + items.length });
    return name || kind || status ? dt('clients.noMatch') : dt('clients.none');
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
      <section aria-labelledby={`${id}-list`}>
        <h2 id={`${id}-list`} className="visually-hidden">
          {dt('clients.title')}
        </h2>
        <div className="form form--inline admin-filter admin-filter--wide" role="search" aria-label={dt('clients.filters')}>
          <div className="field">
            <label htmlFor={`${id}-q`}>{dt('clients.filter')}</label>
            <input id={`${id}-q`} name="q" type="search" autoComplete="off" spellCheck={false} maxLength={100} value={q} onChange={(e) => setQ(e.currentTarget.value)} />
          </div>
          <FilterSelect id={`${id}-kind`} name="kind" label={dt('clients.kind')} any={dt('clients.allKinds')} options={(['relying_party', 'partner_system', 'first_party'] as const).map((k) => ({ value: k, label: dt(`kind.${k}`) }))} value={kind} onChange={setKind} />
          <FilterSelect id={`${id}-status`} name="status" label={dt('clients.status')} any={dt('clients.allStatuses')} options={(['active', 'disabled'] as const).map((v) => ({ value: v, label: dt(`clients.status.${v}`) }))} value={status} onChange={setStatus} />
          <div className="field">
            <label htmlFor={`${id}-sort`}>{dt('clients.sort')}</label>
            <select id={`${id}-sort`} name="sort" value={sortParam(paged.sort)} onChange={(e) => paged.setSort(sortOf(e.currentTarget.value))}>
              {SORTS.map((v) => (
                <option key={v} value={v}>
                  {dt(`clients.sort.${v}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        {clients.state !== 'ready' && <LoadState l={clients} title={dt('clients.loadFailed')} />}
        <p role="status" className="results__status" data-testid="clients-status">
          {statusLine()}
        </p>
        {clients.state === 'ready' && clients.value.items.length > 0 && (
          <>
            <ul className="client-list" data-testid="clients" aria-busy={clients.busy || undefined}>
              {clients.value.items.map((c) => (
                <ClientItem key={c.clientId} c={c} createdBy={username(c.createdBy)} onChanged={replace} />
              ))}
            </ul>
            <Pager page={clients.value} onPage={paged.setOffset} />
          </>
        )}
      </section>
    </div>
  );
}

const sortOf = (v: string): Sort<SortKey> => (v.startsWith('-') ? { key: v.slice(1) as SortKey, dir: 'desc' } : { key: v as SortKey, dir: 'asc' });

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
