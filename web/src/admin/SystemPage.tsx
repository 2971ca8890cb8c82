import { useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { useFocusAfterRender } from '../ui/focus.ts';
import { formatInstant, formatNumber, formatPartialDate } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { PagedTable, usePagedList, type Column } from '../ui/table.tsx';
import { AdminFrame } from './AdminFrame.tsx';
import { AdminNav } from './AdminNav.tsx';
import { getClient, type Jwk } from './admin.api.ts';
import { KeysForm } from './KeysForm.tsx';
import { creatorText, disableSystem, getMember, getSystem, type Creator, type KeyActor, type RemovedKey, type SystemKey, listGrants, loadCatalogue, replaceSystemKeys, revokeGrant, updateSystem, type Catalogue, type ExchangeSystem, type Grant, type Member, type ServiceCode } from './exchange.api.ts';
import { ConfirmPanel, grantState, grantStateClass, grantStateText, todayVn } from './exchange.ui.tsx';
import { ErrorSummary, Fact, FilterSelect, FormField, sentence, useFlash, type SummaryItem } from './fields.tsx';
import { systemStatusText } from './MemberPage.tsx';
import { useText, type DT } from './text.ts';

interface Loaded {
  system: ExchangeSystem & { createdBy?: Creator; keys?: SystemKey[]; removedKeys?: RemovedKey[] };
  member: Member;
  catalogue: Catalogue;
  /** The system's public keys, from its OpenID client (null when that list could not be read). */
  keys: Jwk[] | null;
}
/**
 * A system: its client ID, keys (replace them for a rotation), rate limit (change it), disabling;
 * and its grants, a page at a time, which can be revoked.
 */
export function SystemPage({ systemId }: { systemId: string }) {
  const { dt } = useText();
  const load = useApi(async (signal): Promise<Loaded> => {
    const o = { signal };
    const system = await getSystem(systemId, o);
    const [{ systems: _, ...member }, catalogue, keys] = await Promise.all([
      getMember(system.memberId, o),
      loadCatalogue(),
      getClient(system.clientId, o).then(
        (c) => c.jwks?.keys ?? [],
        () => null,
      ),
    ]);
    return { system, member, catalogue, keys };
  }, [systemId]);
  if (load.state === 'ready') return <SystemView key={load.value.system.id} initial={load.value} />;
  if (load.state === 'error' && load.error instanceof ApiError && load.error.status === 404) return <AdminFrame current="members" title={dt('x.system.notFound')} back={{ to: '/admin/exchange/members', label: dt('x.backToMembers') }} />;
  return <AdminFrame current="members" title={load.state === 'loading' ? dt('x.system.loadingTitle') : dt('x.system.loadFailed')} l={load} />;
}

type Mode = 'view' | 'keys' | 'edit' | 'disable';

function SystemView({ initial }: { initial: Loaded }) {
  const { dt, lang } = useText();
  const id = useId();
  const flash = useFlash();
  const [sys, setSys] = useState(initial.system);
  const [keys, setKeys] = useState(initial.keys);
  const [history, setHistory] = useState<{ keys: SystemKey[]; removedKeys: RemovedKey[] } | null>(initial.system.keys && initial.system.removedKeys ? { keys: initial.system.keys, removedKeys: initial.system.removedKeys } : null);
  const [notice, setNotice] = useState<((dt: DT) => string) | null>(() => flash);
  const [mode, setMode] = useState<Mode>('view');
  const ref = usePageTitle(sys.name);
  const buttons = { keys: useRef<HTMLButtonElement>(null), edit: useRef<HTMLButtonElement>(null), disable: useRef<HTMLButtonElement>(null) };
  const focusAfterRender = useFocusAfterRender();
  const member = initial.member;
  const active = sys.status === 'active';
  const back = (to: Exclude<Mode, 'view'>) => {
    setMode('view');
    focusAfterRender(() => buttons[to].current ?? (document.getElementById(`${id}-title`) as HTMLElement | null));
  };
  const createdBy = initial.system.createdBy;
  // The system view lists kid and alg; after a rotation in this page, the keys just sent.
  const kids = keys === initial.keys && initial.system.keys ? initial.system.keys.map((k) => `${k.kid ?? k.kty ?? '?'}${k.alg ? ` (${k.alg})` : ''}`) : (keys ?? []).map((k) => String(k.kid ?? k.kty ?? '?'));

  return (
    <div className="admin">
      <AdminNav current="members" />
      <p className="x-crumbs">
        <Link to={`/admin/exchange/members/${member.id}`}>{dt('x.backTo', { name: member.name })}</Link>
      </p>
      <h1 ref={ref} tabIndex={-1} id={`${id}-title`}>
        {sys.name}
      </h1>
      <p className="lead">{dt('x.system.of', { member: member.name })}</p>
      <div role="status" className={notice ? 'notice' : 'visually-hidden'} data-testid="admin-flash">
        {notice ? notice(dt) : ''}
      </div>
      {member.status === 'suspended' && <p className="notice">{dt('x.system.memberSuspended', { member: member.name })}</p>}

      <section className="panel" aria-labelledby={`${id}-about`} data-testid="system-facts">
        <h2 id={`${id}-about`} className="x-panel-title">
          {dt('x.system.about')}
        </h2>
        <dl className="facts">
          <Fact term={dt('x.col.clientId')} testId="system-client-id">
            <code>{sys.clientId}</code>
          </Fact>
          <Fact term={dt('x.col.status')} testId="system-status">
            {active ? <span className="status">{systemStatusText(sys, dt)}</span> : <span className="status status--deceased">{dt('x.system.disabledAt', { at: formatInstant(sys.disabledAt ?? sys.createdAt) })}</span>}
          </Fact>
          <Fact term={dt('x.col.rate')} testId="system-rate">
            {dt('x.system.perSecond', { n: formatNumber(sys.ratePerSecond, lang) })}
          </Fact>
          <Fact term={dt('clients.auth')}>{dt('auth.private_key_jwt')}</Fact>
          <Fact term={dt('clients.keys')} testId="system-keys">
            {keys === null && !initial.system.keys ? dt('x.system.keysUnknown') : kids.length ? dt('clients.keyIds', { n: kids.length, kids: kids.join(', ') }) : null}
          </Fact>
          <Fact term={dt('x.col.createdAt')}>{formatInstant(sys.createdAt)}</Fact>
          {createdBy && <Fact term={dt('x.col.createdBy')} testId="system-created-by">{creatorText(createdBy)}</Fact>}
        </dl>
        {active && mode === 'view' && (
          <div className="form__actions x-actions">
            <button ref={buttons.keys} type="button" className="button button--secondary" onClick={() => setMode('keys')}>
              {dt('clients.replaceKeys')}
            </button>
            <button ref={buttons.edit} type="button" className="button button--secondary" onClick={() => setMode('edit')}>
              {dt('x.system.edit')}
            </button>
            <button ref={buttons.disable} type="button" className="button button--secondary button--danger-outline" onClick={() => setMode('disable')}>
              {dt('clients.disable')}
            </button>
          </div>
        )}
        {mode === 'keys' && (
          <KeysForm
            initial={keys && { keys }}
            onCancel={() => back('keys')}
            onSave={async (jwks) => {
              setSys(await replaceSystemKeys(sys.id, jwks));
              setKeys(jwks.keys);
              getSystem(sys.id).then((s) => setHistory({ keys: s.keys, removedKeys: s.removedKeys }), () => setHistory(null));
              setNotice(() => (d: DT) => d('x.system.keysSaved', { name: sys.name }));
              back('keys');
            }}
          />
        )}
        {mode === 'edit' && (
          <EditForm
            system={sys}
            onCancel={() => back('edit')}
            onSaved={(s) => {
              setSys(s);
              setNotice(() => (d: DT) => d('x.system.saved', { name: s.name }));
              back('edit');
            }}
          />
        )}
        {mode === 'disable' && (
          <ConfirmPanel
            testId="system-confirm"
            question={dt('x.system.confirmDisable', { name: sys.name })}
            danger
            confirmLabel={dt('clients.confirm')}
            busyLabel={dt('clients.disabling')}
            cancelLabel={dt('clients.keep')}
            onCancel={() => back('disable')}
            onConfirm={async () => {
              const s = await disableSystem(sys.id);
              setSys(s);
              setNotice(() => (d: DT) => d('x.system.disabled.done', { name: s.name }));
              setMode('view');
              focusAfterRender(() => document.getElementById(`${id}-title`));
            }}
          />
        )}
      </section>

      {history && <KeyHistory keys={history.keys} removed={history.removedKeys} />}

      <Grants system={sys} catalogue={initial.catalogue} onRevoked={(g) => setNotice(() => (d: DT) => d('x.grants.revoked', { id: g.id }))} />
    </div>
  );
}

/** The keys in use, each with when and by whom it was added, and the keys removed (the latest 20, newest first). */
function KeyHistory({ keys, removed }: { keys: SystemKey[]; removed: RemovedKey[] }) {
  const { dt } = useText();
  const id = useId();
  const by = (a: KeyActor | null) => (!a ? dt('x.keys.byUnknown') : a.kind === 'partner_staff' ? dt('x.keys.byStaff') : creatorText(a));
  const added = (k: SystemKey) => (!k.addedAt ? dt('x.keys.addedUnknown') : k.addedBy ? dt('x.keys.added', { at: formatInstant(k.addedAt), by: by(k.addedBy) }) : dt('x.keys.addedNoOne', { at: formatInstant(k.addedAt) }));
  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid="system-key-history">
      <h2 id={`${id}-title`} className="x-panel-title">
        {dt('x.keys.title')}
      </h2>
      <h3>{dt('x.keys.current')}</h3>
      <ul className="plain-list x-keys">
        {keys.map((k, i) => (
          <li key={k.thumbprint ?? i} data-testid="system-key" data-kid={k.kid ?? k.thumbprint ?? ''}>
            <code>{k.kid ?? k.thumbprint ?? k.kty}</code>
            {k.alg ? ` (${k.alg})` : ''}
            <br />
            <span className="muted" data-testid="system-key-added">
              {added(k)}
            </span>
          </li>
        ))}
      </ul>
      <h3>{dt('x.keys.removed')}</h3>
      {removed.length ? (
        <ul className="plain-list x-keys" data-testid="system-keys-removed">
          {removed.map((k) => (
            <li key={`${k.thumbprint}-${k.removedAt}`} data-testid="system-key-removed" data-kid={k.kid}>
              <code>{k.kid}</code>
              {k.alg ? ` (${k.alg})` : ''}
              <br />
              <span className="muted">{dt('x.keys.removedLine', { added: formatInstant(k.addedAt), at: formatInstant(k.removedAt), by: by(k.removedBy) })}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{dt('x.keys.noneRemoved')}</p>
      )}
    </section>
  );
}

/** Rename the system or change its rate limit (PATCH sends only what changed). */
function EditForm({ system: s, onCancel, onSaved }: { system: ExchangeSystem; onCancel(): void; onSaved(s: ExchangeSystem): void }) {
  const { dt, t, lang } = useText();
  const id = useId();
  const [name, setName] = useState(s.name);
  const [rate, setRate] = useState(String(s.ratePerSecond));
  const [errors, setErrors] = useState<{ name?: string; ratePerSecond?: string }>({});
  const [detail, setDetail] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const alertRef = useRef<HTMLDivElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const focusAfterRender = useFocusAfterRender();
  useLayoutEffect(() => nameRef.current?.focus(), []);

  function show(e: { name?: string; ratePerSecond?: string }, d: string | null) {
    setErrors(e);
    setDetail(d);
    focusAfterRender(e.name ? `${id}-name` : e.ratePerSecond ? `${id}-ratePerSecond` : () => alertRef.current);
  }

  async function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    if (busy) return;
    const e: { name?: string; ratePerSecond?: string } = {};
    const n = name.trim().replace(/\s+/g, ' ');
    if (n.length < 2) e.name = dt('x.systemForm.nameRequired');
    const r = rate.trim();
    if (!/^\d+$/.test(r) || Number(r) < 1 || Number(r) > 1_000_000) e.ratePerSecond = dt('x.systemForm.rateFormat');
    if (e.name || e.ratePerSecond) return show(e, null);
    const patch: { name?: string; ratePerSecond?: number } = {};
    if (n !== s.name) patch.name = n;
    if (Number(r) !== s.ratePerSecond) patch.ratePerSecond = Number(r);
    if (!Object.keys(patch).length) return show({}, dt('officerForm.unchanged'));
    setBusy(true);
    setErrors({});
    setDetail(null);
    try {
      onSaved(await updateSystem(s.id, patch));
    } catch (err) {
      setBusy(false);
      const fe: { name?: string; ratePerSecond?: string } = {};
      if (err instanceof ApiError)
        for (const f of err.fieldErrors) if (f.field === 'name' || f.field === 'ratePerSecond') fe[f.field] ??= f.messages?.[lang] ?? f.message;
      show(fe, fe.name || fe.ratePerSecond ? null : sentence(errorText(err, lang, t)));
    }
  }

  const items: SummaryItem[] = [
    ...(errors.name ? [{ id: `${id}-name`, label: dt('x.systemForm.name'), message: errors.name }] : []),
    ...(errors.ratePerSecond ? [{ id: `${id}-ratePerSecond`, label: dt('x.systemForm.rate'), message: errors.ratePerSecond }] : []),
  ];
  return (
    <form className="form client__keys" noValidate onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="system-edit-form">
      <h3 id={`${id}-title`}>{dt('x.system.edit')}</h3>
      <ErrorSummary title={items.length ? dt('x.fixFields', { n: items.length }) : dt('officerForm.failed')} items={items} detail={detail} alertRef={alertRef} />
      <FormField id={`${id}-name`} label={dt('x.systemForm.name')} error={errors.name}>
        {(p) => <input {...p} ref={nameRef} name="name" type="text" autoComplete="off" maxLength={200} value={name} onChange={(e) => setName(e.currentTarget.value)} />}
      </FormField>
      <FormField id={`${id}-ratePerSecond`} label={dt('x.systemForm.rate')} hint={dt('x.system.rateHint')} error={errors.ratePerSecond} className="field--narrow">
        {(p) => <input {...p} name="ratePerSecond" type="text" inputMode="numeric" autoComplete="off" maxLength={7} value={rate} onChange={(e) => setRate(e.currentTarget.value)} />}
      </FormField>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? dt('x.saving') : dt('officerForm.save')}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel} disabled={busy}>
          {dt('x.cancel')}
        </button>
      </div>
    </form>
  );
}

type GrantSortKey = 'id' | 'basis' | 'validUntil' | 'state';
const PAGE = 20;

/** The system's grants (revoked ones too), a page at a time, by service and whether in force; each live one with its revoke button. */
function Grants({ system, catalogue, onRevoked }: { system: ExchangeSystem; catalogue: Catalogue; onRevoked(g: Grant): void }) {
  const { dt, lang } = useText();
  const id = useId();
  const [service, setService] = useState<ServiceCode | ''>('');
  const [inForce, setInForce] = useState<'' | 'true' | 'false'>('');
  const paged = usePagedList((p, signal) => listGrants(system.id, { ...p, service, ...(inForce ? { active: inForce === 'true' } : {}) }, { signal }), { limit: PAGE, sort: { key: 'id', dir: 'asc' }, filters: [service, inForce] });
  const { list } = paged;
  const [revoking, setRevoking] = useState<Grant | null>(null);
  const focusAfterRender = useFocusAfterRender();
  const today = todayVn();
  const serviceName = (code: string) => catalogue.services.find((s) => s.code === code)?.name[lang] ?? code;
  const purposeName = (code: string) => catalogue.purposes.find((p) => p.code === code)?.label[lang] ?? code;
  const fieldName = (service: string, f: string) => catalogue.services.find((s) => s.code === service)?.fields.find((x) => x.field === f)?.label[lang] ?? f;
  const basisText = (g: Grant) => (g.basis.kind === 'consent' ? dt('x.basis.consent') : (g.basis.provision ?? dt('x.basis.provision')));
  const page = list.state === 'ready' ? list.value : null;

  const columns: Array<Column<Grant, GrantSortKey>> = [
    { label: dt('x.col.grant'), sort: 'id', cell: (g) => (
      <>
        <span className="muted">#{g.id}</span> <span data-testid="grant-service">{serviceName(g.service)}</span>
      </>
    ) },
    { label: dt('x.col.fields'), cell: (g) => (
      <ul className="plain-list x-tags">
        {g.fields.map((f) => (
          <li key={f} title={f}>
            {fieldName(g.service, f)}
          </li>
        ))}
      </ul>
    ) },
    { label: dt('x.col.purposes'), cell: (g) => (
      <ul className="plain-list x-tags">
        {g.purposes.map((p) => (
          <li key={p}>{purposeName(p)}</li>
        ))}
      </ul>
    ) },
    { label: dt('x.col.basis'), sort: 'basis', cell: basisText },
    { label: dt('x.col.validity'), sort: 'validUntil', cell: (g) => {
      const def = catalogue.services.find((s) => s.code === g.service);
      return (
        <>
          <span className="nowrap" data-testid="grant-validity">
            {dt('x.grants.validity', { from: formatPartialDate(g.validFrom), until: formatPartialDate(g.validUntil) })}
          </span>
          <br />
          <span className="muted" data-testid="grant-quota">
            {g.quotaPerDay !== null ? dt('x.grants.perDay', { n: formatNumber(g.quotaPerDay, lang) }) : dt('x.grants.defaultQuota', { n: formatNumber(def?.defaultQuotaPerDay ?? 0, lang) })}
          </span>
        </>
      );
    } },
    { label: dt('x.col.status'), sort: 'state', cell: (g) => {
      const st = grantState(g, today);
      return (
        <span className="x-state">
          <span className={grantStateClass(st)} data-testid="grant-state">
            {st === 'revoked' ? dt('x.grants.revokedAt', { at: formatInstant(g.revokedAt!) }) : grantStateText(st, dt)}
          </span>
          {st !== 'revoked' && (
            <button type="button" id={`${id}-revoke-${g.id}`} className="button button--secondary button--danger-outline" disabled={revoking?.id === g.id} onClick={() => setRevoking(g)}>
              {dt('x.grants.revoke')}
              <span className="visually-hidden"> #{g.id}</span>
            </button>
          )}
        </span>
      );
    } },
  ];

  return (
    <section aria-labelledby={`${id}-grants`} data-testid="grants-section">
      <h2 id={`${id}-grants`}>{dt('x.grants.title')}</h2>
      <p className="muted">{dt('x.grants.intro')}</p>
      {system.status === 'active' && (
        <p>
          <Link to={`/admin/exchange/systems/${system.id}/grants/new`} className="button button--primary admin-new">
            {dt('x.system.newGrant')}
          </Link>
        </p>
      )}
      <div className="form form--inline admin-filter" role="search" aria-label={dt('x.grants.filters')}>
        <FilterSelect id={`${id}-service`} name="service" label={dt('x.col.service')} any={dt('x.grants.anyService')} options={catalogue.services.map((s) => ({ value: s.code, label: s.name[lang] }))} value={service} onChange={setService} />
        <FilterSelect id={`${id}-active`} name="active" label={dt('x.grants.inForceFilter')} any={dt('x.grants.anyState')} options={[{ value: 'true' as const, label: dt('x.grantState.current') }, { value: 'false' as const, label: dt('x.grants.notInForce') }]} value={inForce} onChange={setInForce} />
      </div>
      <LoadState l={list} />
      <p className="results__status" role="status" data-testid="grants-status">
        {page ? (page.items.length ? dt('x.grants.count', { from: page.offset + 1, to: page.offset + page.items.length }) : service || inForce ? dt('x.grants.noneMatch') : dt('x.grants.none')) : ''}
      </p>
      {revoking && (
        <ConfirmPanel
          testId="grant-confirm"
          question={dt('x.grants.confirmRevoke', { id: revoking.id, service: serviceName(revoking.service) })}
          danger
          confirmLabel={dt('x.grants.revokeConfirm')}
          busyLabel={dt('x.saving')}
          cancelLabel={dt('clients.keep')}
          onCancel={() => {
            const g = revoking;
            setRevoking(null);
            focusAfterRender(`${id}-revoke-${g.id}`);
          }}
          onConfirm={async () => {
            const g = await revokeGrant(revoking.id);
            setRevoking(null);
            if (page) list.set({ ...page, items: page.items.map((x) => (x.id === g.id ? g : x)) });
            onRevoked(g);
            focusAfterRender(`${id}-grants`);
          }}
        />
      )}
      {page && page.items.length > 0 && <PagedTable paged={paged} columns={columns} labelledBy={`${id}-grants`} className="x-grants" testId="grants" rowKey={(g) => g.id} rowProps={(g) => ({ 'data-testid': 'grant-row', 'data-grant-id': g.id })} />}
    </section>
  );
}
