import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { usePageTitle } from '../app/page.ts';
import { Link, navigate } from '../app/router.tsx';
import { AdminNav } from './AdminNav.tsx';
import { CLIENT_SCOPES, registerClient, type ClientBody, type ClientScope, type OidcClient } from './admin.api.ts';
import { jwksProblem } from './KeysForm.tsx';
import { ChoiceGroup, ErrorSummary, FormActions, FormField, setFlash } from './fields.tsx';
import { useAdminForm } from './form.ts';
import { refuseTakenClientId } from './client-id.ts';
import { useText, type PlainKey } from './text.ts';

type Kind = 'relying_party' | 'partner_system';
type Auth = 'jwks' | 'jwksUri' | 'secret';

interface Values {
  kind: Kind;
  clientId: string;
  organisation: string;
  purposeVi: string;
  purposeEn: string;
  redirectUris: string;
  postLogoutRedirectUris: string;
  scopes: ClientScope[];
  minLevel: '1' | '2';
  sector: string;
  auth: Auth;
  jwks: string;
  jwksUri: string;
}
type Field = keyof Values;

const ORDER: readonly Field[] = ['kind', 'clientId', 'organisation', 'purposeVi', 'purposeEn', 'redirectUris', 'postLogoutRedirectUris', 'scopes', 'minLevel', 'sector', 'auth', 'jwks', 'jwksUri'];
const LABELS: Record<Field, PlainKey> = {
  kind: 'clientForm.kind',
  clientId: 'clientForm.clientId',
  organisation: 'clientForm.organisation',
  purposeVi: 'clientForm.purposeVi',
  purposeEn: 'clientForm.purposeEn',
  redirectUris: 'clientForm.redirectUris',
  postLogoutRedirectUris: 'clientForm.postLogoutRedirectUris',
  scopes: 'clientForm.scopes',
  minLevel: 'clientForm.minLevel',
  sector: 'clientForm.sector',
  auth: 'clientForm.auth',
  jwks: 'clientForm.jwks',
  jwksUri: 'clientForm.jwksUri',
};

/** The request body's field names (`purpose.vi`, `redirectUris.0`) → form fields. */
function formField(serverField: string): Field | null {
  if (serverField === 'purpose.vi' || serverField === 'purpose') return 'purposeVi';
  if (serverField === 'purpose.en') return 'purposeEn';
  if (serverField === 'clientSecretBasic') return 'auth';
  const f = serverField.split('.')[0] as Field;
  return ORDER.includes(f) ? f : null;
}

const lines = (s: string) => s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

/** An absolute https URL, or http on this machine while developing. */
function badUri(u: string): boolean {
  try {
    const url = new URL(u);
    if (url.protocol === 'https:') return false;
    return !(url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname));
  } catch {
    return true;
  }
}

type Registered = OidcClient & { clientSecret?: string };

/**
 * Register a relying party (citizens sign in through it) or a partner system (client credentials).
 * Keys are pasted as JWKS or named by a JWKS URI; a relying party may instead get a generated
 * secret, shown once.
 */
export function ClientFormPage() {
  const { dt } = useText();
  const headingRef = usePageTitle(dt('clientForm.title'));
  const form = useAdminForm<Values>({
    initial: { kind: 'relying_party', clientId: '', organisation: '', purposeVi: '', purposeEn: '', redirectUris: '', postLogoutRedirectUris: '', scopes: ['profile'], minLevel: '1', sector: '', auth: 'jwks', jwks: '', jwksUri: '' },
    order: ORDER, labels: LABELS, fieldOf: formField,
  });
  const { v, setV, set, errors, detail, fid, alertRef, items, submitting } = form;
  const [registered, setRegistered] = useState<Registered | null>(null);
  const signsIn = v.kind === 'relying_party';

  function build(): { body: ClientBody | null; errs: Partial<Record<Field, string>> } {
    const e: Partial<Record<Field, string>> = {};
    const body: ClientBody = { kind: v.kind, organisation: v.organisation.trim().replace(/\s+/g, ' '), scopes: v.scopes.filter((s) => (signsIn ? s !== 'exchange' : s === 'exchange')) };
    const clientId = v.clientId.trim();
    if (clientId) {
      if (!/^[A-Za-z0-9._-]{3,64}$/.test(clientId)) e.clientId = dt('clientForm.clientIdFormat');
      else body.clientId = clientId;
    }
    if (body.organisation.length < 2) e.organisation = dt('clientForm.organisationRequired');
    const pv = v.purposeVi.trim();
    const pe = v.purposeEn.trim();
    if (pv && pe) body.purpose = { vi: pv, en: pe };
    else if (pv || pe) e[pv ? 'purposeEn' : 'purposeVi'] = dt('clientForm.purposeBoth');
    if (signsIn) {
      const redirects = lines(v.redirectUris);
      const bad = redirects.find(badUri);
      if (!redirects.length) e.redirectUris = dt('clientForm.redirectRequired');
      else if (bad) e.redirectUris = dt('clientForm.uriInvalid', { uri: bad });
      else body.redirectUris = redirects;
      const after = lines(v.postLogoutRedirectUris);
      const badAfter = after.find(badUri);
      if (badAfter) e.postLogoutRedirectUris = dt('clientForm.uriInvalid', { uri: badAfter });
      else if (after.length) body.postLogoutRedirectUris = after;
      body.minLevel = v.minLevel === '2' ? 2 : 1;
      const sector = v.sector.trim();
      if (sector && !/^[a-z0-9.-]{2,100}$/.test(sector)) e.sector = dt('clientForm.sectorFormat');
      else if (sector) body.sector = sector;
    }
    const auth = signsIn ? v.auth : v.auth === 'secret' ? 'jwks' : v.auth;
    if (auth === 'jwks') {
      const parsed = jwksProblem(v.jwks, dt);
      if (parsed.ok) body.jwks = parsed.jwks;
      else e.jwks = parsed.message;
    } else if (auth === 'jwksUri') {
      const u = v.jwksUri.trim();
      if (!u) e.jwksUri = dt('clientForm.jwksUriRequired');
      else if (badUri(u)) e.jwksUri = dt('clientForm.uriInvalid', { uri: u });
      else body.jwksUri = u;
    } else body.clientSecretBasic = true;
    return { body: Object.keys(e).length ? null : body, errs: e };
  }

  const onSubmit = form.submit(build, async (body) => {
    if (await refuseTakenClientId(form, body.clientId, dt)) return;
    const r = await registerClient(body);
    if (r.clientSecret) return setRegistered(r);
    setFlash((d) => d('clientForm.registered', { org: r.organisation, clientId: r.clientId }));
    navigate('/admin/oidc-clients');
  });

  if (registered) return <SecretShown c={registered} />;

  const scopeChoices = CLIENT_SCOPES.filter((s) => (signsIn ? s !== 'exchange' : s === 'exchange')).map((s) => ({ value: s, label: `${dt(`scope.${s}`)} (${s})` }));
  const authChoices: { value: Auth; label: string }[] = [
    { value: 'jwks', label: dt('clientForm.authJwks') },
    { value: 'jwksUri', label: dt('clientForm.authJwksUri') },
    ...(signsIn ? [{ value: 'secret' as const, label: dt('clientForm.authSecret') }] : []),
  ];
  const auth = !signsIn && v.auth === 'secret' ? 'jwks' : v.auth;

  return (
    <div className="admin">
      <AdminNav current="clients" />
      <h1 ref={headingRef} tabIndex={-1}>
        {dt('clientForm.title')}
      </h1>
      <p className="lead">{dt('clientForm.intro')}</p>
      <ErrorSummary title={items.length ? dt('clientForm.fixFields', { n: items.length }) : dt('clientForm.failed')} items={items} detail={detail} alertRef={alertRef} testId="client-errors" />
      <form className="form panel admin-form" noValidate onSubmit={onSubmit} aria-busy={submitting} data-testid="client-form">
        <fieldset>
          <legend>{dt('clientForm.about')}</legend>
          <ChoiceGroup
            id={fid('kind')}
            legend={dt('clientForm.kind')}
            error={errors.kind}
            type="radio"
            name="kind"
            options={[
              { value: 'relying_party', label: dt('kind.relying_party') },
              { value: 'partner_system', label: dt('kind.partner_system') },
            ]}
            selected={[v.kind]}
            onChange={([k]) => {
              const kind = k ?? 'relying_party';
              // The scopes offered differ by kind: keep what still applies, else the usual one.
              setV((o) => {
                const keep = o.scopes.filter((s) => (kind === 'relying_party' ? s !== 'exchange' : s === 'exchange'));
                return { ...o, kind, scopes: keep.length ? keep : kind === 'relying_party' ? ['profile'] : ['exchange'] };
              });
            }}
          />
          <FormField id={fid('organisation')} label={dt('clientForm.organisation')} hint={dt('clientForm.organisationHint')} error={errors.organisation}>
            {(p) => <input {...p} name="organisation" type="text" autoComplete="organization" maxLength={200} value={v.organisation} onChange={(e) => set('organisation', e.currentTarget.value)} />}
          </FormField>
          <FormField id={fid('clientId')} label={dt('clientForm.clientId')} hint={dt('clientForm.clientIdHint')} optional error={errors.clientId}>
            {(p) => <input {...p} name="clientId" type="text" autoComplete="off" autoCapitalize="none" spellCheck={false} maxLength={64} value={v.clientId} onChange={(e) => set('clientId', e.currentTarget.value)} />}
          </FormField>
          <FormField id={fid('purposeVi')} label={dt('clientForm.purposeVi')} hint={dt('clientForm.purposeHint')} optional error={errors.purposeVi}>
            {(p) => <textarea {...p} name="purposeVi" lang="vi" rows={2} maxLength={500} value={v.purposeVi} onChange={(e) => set('purposeVi', e.currentTarget.value)} />}
          </FormField>
          <FormField id={fid('purposeEn')} label={dt('clientForm.purposeEn')} optional error={errors.purposeEn}>
            {(p) => <textarea {...p} name="purposeEn" lang="en" rows={2} maxLength={500} value={v.purposeEn} onChange={(e) => set('purposeEn', e.currentTarget.value)} />}
          </FormField>
          <ChoiceGroup id={fid('scopes')} legend={dt('clientForm.scopes')} error={errors.scopes} type="checkbox" name="scopes" options={scopeChoices} selected={v.scopes} onChange={(s) => set('scopes', s)} />
        </fieldset>

        {signsIn && (
          <fieldset>
            <legend>{dt('clientForm.signIn')}</legend>
            <FormField id={fid('redirectUris')} label={dt('clientForm.redirectUris')} hint={dt('clientForm.redirectHint')} error={errors.redirectUris}>
              {(p) => <textarea {...p} name="redirectUris" rows={3} spellCheck={false} autoComplete="off" className="code-input" value={v.redirectUris} onChange={(e) => set('redirectUris', e.currentTarget.value)} />}
            </FormField>
            <FormField id={fid('postLogoutRedirectUris')} label={dt('clientForm.postLogoutRedirectUris')} hint={dt('clientForm.redirectHint')} optional error={errors.postLogoutRedirectUris}>
              {(p) => <textarea {...p} name="postLogoutRedirectUris" rows={2} spellCheck={false} autoComplete="off" className="code-input" value={v.postLogoutRedirectUris} onChange={(e) => set('postLogoutRedirectUris', e.currentTarget.value)} />}
            </FormField>
            <ChoiceGroup
              id={fid('minLevel')}
              legend={dt('clientForm.minLevel')}
              error={errors.minLevel}
              type="radio"
              name="minLevel"
              options={[
                { value: '1', label: dt('clientForm.level1') },
                { value: '2', label: dt('clientForm.level2') },
              ]}
              selected={[v.minLevel]}
              onChange={([l]) => set('minLevel', l ?? '1')}
            />
            <FormField id={fid('sector')} label={dt('clientForm.sector')} hint={dt('clientForm.sectorHint')} optional error={errors.sector}>
              {(p) => <input {...p} name="sector" type="text" autoComplete="off" autoCapitalize="none" spellCheck={false} maxLength={100} value={v.sector} onChange={(e) => set('sector', e.currentTarget.value)} />}
            </FormField>
          </fieldset>
        )}

        <div className="form-group">
          <ChoiceGroup id={fid('auth')} legend={dt('clientForm.auth')} error={errors.auth} type="radio" name="auth" options={authChoices} selected={[auth]} onChange={([a]) => set('auth', a ?? 'jwks')} />
          {auth === 'jwks' && (
            <FormField id={fid('jwks')} label={dt('clientForm.jwks')} hint={dt('clientForm.jwksHint')} error={errors.jwks}>
              {(p) => <textarea {...p} name="jwks" rows={8} spellCheck={false} autoComplete="off" className="code-input" value={v.jwks} onChange={(e) => set('jwks', e.currentTarget.value)} />}
            </FormField>
          )}
          {auth === 'jwksUri' && (
            <FormField id={fid('jwksUri')} label={dt('clientForm.jwksUri')} error={errors.jwksUri}>
              {(p) => <input {...p} name="jwksUri" type="url" autoComplete="off" spellCheck={false} maxLength={2000} value={v.jwksUri} onChange={(e) => set('jwksUri', e.currentTarget.value)} />}
            </FormField>
          )}
          {auth === 'secret' && <p className="form__note">{dt('clientForm.authSecretNote')}</p>}
        </div>

        <FormActions submitting={submitting} label={dt('clientForm.submit')} busyLabel={dt('clientForm.submitting')} cancel={{ to: '/admin/oidc-clients', label: dt('clientForm.cancel') }} />
      </form>
    </div>
  );
}

/** The generated secret, shown this once; focus moves to the heading so it is read first. */
function SecretShown({ c }: { c: Registered }) {
  const { dt } = useText();
  const ref = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState(false);
  useLayoutEffect(() => ref.current?.focus(), []);
  return (
    <div className="admin">
      <AdminNav current="clients" />
      <section className="panel panel--warning" aria-labelledby="secret-title" data-testid="client-secret">
        <h1 id="secret-title" ref={ref} tabIndex={-1}>
          {dt('secret.title')}
        </h1>
        <p>{dt('secret.lead', { org: c.organisation })}</p>
        <dl className="facts">
          <div>
            <dt>{dt('secret.clientId')}</dt>
            <dd>
              <code>{c.clientId}</code>
            </dd>
          </div>
          <div>
            <dt>{dt('secret.secret')}</dt>
            <dd>
              <code className="secret" data-testid="client-secret-value">
                {c.clientSecret}
              </code>
            </dd>
          </div>
        </dl>
        <p className="notice">{dt('secret.once')}</p>
        <div className="form__actions">
          <button
            type="button"
            className="button button--secondary"
            onClick={() => navigator.clipboard?.writeText(c.clientSecret ?? '').then(() => setCopied(true), () => setCopied(false))}
          >
            {dt('secret.copy')}
          </button>
          <Link to="/admin/oidc-clients" className="button button--primary">
            {dt('secret.done')}
          </Link>
        </div>
        <p role="status">{copied ? dt('secret.copied') : ''}</p>
      </section>
    </div>
  );
}
