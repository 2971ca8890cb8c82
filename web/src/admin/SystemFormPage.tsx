import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import { errorText } from '../api/error-text.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { AdminNav } from './AdminNav.tsx';
import { refuseTakenClientId } from './client-id.ts';
import { jwksProblem } from './KeysForm.tsx';
import { getMember, registerSystem, type ExchangeSystem, type Member, type NewSystemBody } from './exchange.api.ts';
import { ErrorSummary, FormActions, FormField, sentence } from './fields.tsx';
import { useAdminForm } from './form.ts';
import { useText, type PlainKey } from './text.ts';

interface Values {
  name: string;
  clientId: string;
  ratePerSecond: string;
  jwks: string;
}
type Field = keyof Values;

const ORDER: readonly Field[] = ['name', 'clientId', 'ratePerSecond', 'jwks'];
const LABELS: Record<Field, PlainKey> = {
  name: 'x.systemForm.name',
  clientId: 'x.systemForm.clientId',
  ratePerSecond: 'x.systemForm.rate',
  jwks: 'x.systemForm.jwks',
};
const CODE_FIELDS: Record<string, Field> = { EXCHANGE_JWKS_INVALID: 'jwks', EXCHANGE_CLIENT_ID_TAKEN: 'clientId', OIDC_CLIENT_EXISTS: 'clientId' };

/**
 * Register a system of a member: an OAuth client of the platform's provider that gets tokens with
 * client credentials and a private_key_jwt assertion signed with one of the pasted public keys.
 * The client ID it gets is shown at the end, with what the organisation needs to connect.
 */
export function SystemFormPage({ memberId }: { memberId: string }) {
  const { dt, t, lang } = useText();
  const headingRef = usePageTitle(dt('x.systemForm.title'));
  const [member, setMember] = useState<Member | null>(null);
  const [memberError, setMemberError] = useState<unknown>(null);
  const form = useAdminForm<Values>({ initial: { name: '', clientId: '', ratePerSecond: '', jwks: '' }, order: ORDER, labels: LABELS, codeFields: CODE_FIELDS });
  const { v, set, errors, detail, fid, alertRef, items, submitting } = form;
  const [registered, setRegistered] = useState<ExchangeSystem | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    getMember(memberId, { signal: ctrl.signal }).then(
      ({ systems: _, ...m }) => setMember(m),
      (e: unknown) => !ctrl.signal.aborted && setMemberError(e),
    );
    return () => ctrl.abort();
  }, [memberId]);

  function build(): { body: NewSystemBody | null; errs: Partial<Record<Field, string>> } {
    const e: Partial<Record<Field, string>> = {};
    const name = v.name.trim().replace(/\s+/g, ' ');
    if (name.length < 2) e.name = dt('x.systemForm.nameRequired');
    const body: NewSystemBody = { name, jwks: { keys: [] } };
    const clientId = v.clientId.trim();
    if (clientId) {
      if (!/^[A-Za-z0-9._-]{3,64}$/.test(clientId)) e.clientId = dt('clientForm.clientIdFormat');
      else body.clientId = clientId;
    }
    const rate = v.ratePerSecond.trim();
    if (rate) {
      const n = Number(rate);
      if (!/^\d+$/.test(rate) || n < 1 || n > 1_000_000) e.ratePerSecond = dt('x.systemForm.rateFormat');
      else body.ratePerSecond = n;
    }
    const parsed = jwksProblem(v.jwks, dt);
    if (parsed.ok) body.jwks = parsed.jwks;
    else e.jwks = parsed.message;
    return { body: Object.keys(e).length ? null : body, errs: e };
  }

  // A client ID already in use (by any OpenID client) is refused in the page too (the server answers 409 EXCHANGE_CLIENT_ID_TAKEN).
  const onSubmit = form.submit(build, async (body) => {
    if (await refuseTakenClientId(form, body.clientId, dt)) return;
    setRegistered(await registerSystem(memberId, body));
  });

  if (registered && member) return <Registered system={registered} member={member} />;

  return (
    <div className="admin">
      <AdminNav current="members" />
      <p className="x-crumbs">
        <Link to={`/admin/exchange/members/${memberId}`}>{member ? dt('x.backTo', { name: member.name }) : dt('x.backToMember')}</Link>
      </p>
      <h1 ref={headingRef} tabIndex={-1}>
        {dt('x.systemForm.title')}
      </h1>
      {member && <p className="lead">{dt('x.systemForm.intro', { member: member.name })}</p>}
      {memberError !== null && (
        <div role="alert" className="alert">
          <p className="alert__title">{dt('x.member.loadFailed')}</p>
          <p>{sentence(errorText(memberError, lang, t))}</p>
        </div>
      )}
      <ErrorSummary title={items.length ? dt('x.fixFields', { n: items.length }) : dt('x.systemForm.failed')} items={items} detail={detail} alertRef={alertRef} testId="system-errors" />
      <form className="form panel admin-form" noValidate onSubmit={onSubmit} aria-busy={submitting} data-testid="system-form">
        <FormField id={fid('name')} label={dt('x.systemForm.name')} hint={dt('x.systemForm.nameHint')} error={errors.name}>
          {(p) => <input {...p} name="name" type="text" autoComplete="off" maxLength={200} value={v.name} onChange={(e) => set('name', e.currentTarget.value)} />}
        </FormField>
        <FormField id={fid('clientId')} label={dt('x.systemForm.clientId')} hint={dt('x.systemForm.clientIdHint')} optional error={errors.clientId} className="field--narrow">
          {(p) => <input {...p} name="clientId" type="text" autoComplete="off" autoCapitalize="none" spellCheck={false} maxLength={64} value={v.clientId} onChange={(e) => set('clientId', e.currentTarget.value)} />}
        </FormField>
        <FormField id={fid('ratePerSecond')} label={dt('x.systemForm.rate')} hint={dt('x.systemForm.rateHint')} optional error={errors.ratePerSecond} className="field--narrow">
          {(p) => <input {...p} name="ratePerSecond" type="text" inputMode="numeric" autoComplete="off" maxLength={7} value={v.ratePerSecond} onChange={(e) => set('ratePerSecond', e.currentTarget.value)} />}
        </FormField>
        <FormField id={fid('jwks')} label={dt('x.systemForm.jwks')} hint={dt('x.systemForm.jwksHint')} error={errors.jwks}>
          {(p) => <textarea {...p} name="jwks" rows={8} spellCheck={false} autoComplete="off" className="code-input" value={v.jwks} onChange={(e) => set('jwks', e.currentTarget.value)} />}
        </FormField>
        <FormActions submitting={submitting} disabled={!member} label={dt('x.systemForm.submit')} busyLabel={dt('x.systemForm.submitting')} cancel={{ to: `/admin/exchange/members/${memberId}`, label: dt('x.cancel') }} />
      </form>
    </div>
  );
}

/** The system is registered: its client ID and how it gets a token, read first (focus on the heading). */
function Registered({ system: s, member }: { system: ExchangeSystem; member: Member }) {
  const { dt } = useText();
  const ref = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => ref.current?.focus(), []);
  // The provider's own metadata names the token endpoint (behind a proxy it is not this page's origin).
  const [tokenUrl, setTokenUrl] = useState(`${window.location.origin}/oidc/token`);
  useEffect(() => {
    const ctrl = new AbortController();
    api.get<{ token_endpoint?: string }>('/oidc/.well-known/openid-configuration', { signal: ctrl.signal }).then(
      (m) => m.token_endpoint && setTokenUrl(m.token_endpoint),
      () => undefined,
    );
    return () => ctrl.abort();
  }, []);
  return (
    <div className="admin">
      <AdminNav current="members" />
      <section className="panel" aria-labelledby="system-registered-title" data-testid="system-registered">
        <h1 id="system-registered-title" ref={ref} tabIndex={-1}>
          {dt('x.systemForm.doneTitle')}
        </h1>
        <p>{dt('x.systemForm.doneLead', { name: s.name, member: member.name })}</p>
        <dl className="facts">
          <div>
            <dt>{dt('x.col.clientId')}</dt>
            <dd>
              <code className="secret" data-testid="system-client-id">
                {s.clientId}
              </code>
            </dd>
          </div>
          <div>
            <dt>{dt('x.systemForm.tokenEndpoint')}</dt>
            <dd>
              <code data-testid="system-token-endpoint">{tokenUrl}</code>
            </dd>
          </div>
          <div>
            <dt>{dt('x.systemForm.howTitle')}</dt>
            <dd>{dt('x.systemForm.how')}</dd>
          </div>
          <div>
            <dt>{dt('x.col.rate')}</dt>
            <dd>{dt('x.system.perSecond', { n: s.ratePerSecond })}</dd>
          </div>
        </dl>
        <p className="notice">{dt('x.systemForm.noGrants')}</p>
        <div className="form__actions">
          <Link to={`/admin/exchange/systems/${s.id}/grants/new`} className="button button--primary admin-new">
            {dt('x.system.newGrant')}
          </Link>
          <Link to={`/admin/exchange/systems/${s.id}`} className="button button--secondary">
            {dt('x.systemForm.toSystem')}
          </Link>
          <Link to={`/admin/exchange/members/${member.id}`} className="button button--secondary">
            {dt('x.backTo', { name: member.name })}
          </Link>
        </div>
      </section>
    </div>
  );
}
