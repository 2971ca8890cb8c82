/**
 * The provider's interactions: sign-in (ID number + password, then TOTP when enrolled, or a
 * passkey), step-up to level 2, and consent. Each page is served by Fastify on
 * /oidc/interaction/:uid; the provider hands over and takes back through its interaction API.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { AppError } from '../../platform/http/errors.ts';
import { readCookie } from '../../platform/http/guard.ts';
import { SCOPE_LABELS, type ClaimScope } from './claims.ts';
import type { ClientStore } from './clients.ts';
import { ACR, requiredLevel, sessionLevel, type Level } from './levels.ts';
import { esc, errorSummary, input, layout, pickLang, t, type FieldError, type Lang } from './pages.ts';
import { DEVICE_SESSION_RESULT_KEY } from './sso-links.ts';

type Method = 'password' | 'password+totp' | 'passkey';
interface AccountRef { id: string; idNumber: string; level: 1 | 2; status: string }

/** What sign-in needs of the eID accounts (src/identity/accounts implements it). */
export interface SignInPort {
  authenticatePassword(i: { idNumber: string; password: string; ip: string; userAgent: string }): Promise<{ account: AccountRef; secondFactor: 'totp' | null }>;
  verifySecondFactor(accountId: string, code: string): Promise<void>;
  passkeyAuthenticationOptions(i: { idNumber?: string }): Promise<{ challengeId: string; options: unknown }>;
  verifyPasskeyAuthentication(i: { challengeId: string; response: unknown; ip: string; userAgent: string }): Promise<AccountRef>;
  startSession(i: { accountId: string; method: Method; acr: 1 | 2; ip: string; userAgent: string }): Promise<{ sessionId: string; token: string }>;
  getAccount(accountId: string): Promise<AccountRef | null>;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

function langOf(req: FastifyRequest, details?: Details): Lang {
  const q = req.query as Record<string, string | undefined>;
  const cookie = readCookie(req.headers.cookie, 'open06_lang');
  return pickLang({ query: q.lang ?? null, cookie, uiLocales: (details?.params.ui_locales as string | undefined) ?? null, acceptLanguage: req.headers['accept-language'] ?? null });
}

function send(reply: FastifyReply, html: string, status = 200) {
  // A language picked with the switch (?lang=) stays for the next pages of the sign-in.
  const lang = (reply.request.query as Record<string, string | undefined>).lang;
  if (lang === 'vi' || lang === 'en') reply.header('set-cookie', `open06_lang=${lang}; Path=/; Max-Age=31536000; SameSite=Lax`);
  return reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}

export function interactionRoutes(app: FastifyInstance, deps: { provider: () => Provider; clients: ClientStore; accounts: SignInPort }) {
  const { clients, accounts } = deps;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  async function context(req: FastifyRequest, reply: FastifyReply) {
    const provider = deps.provider();
    const details = await provider.interactionDetails(req.raw, reply.raw);
    const client = await clients.findCached(String(details.params.client_id));
    const org = client?.organisation ?? String(details.params.client_id);
    const need = requiredLevel(client?.min_level ?? 1, details.params.acr_values as string | undefined);
    return { provider, details, client, org, need, lang: langOf(req, details) };
  }

  function switchHref(req: FastifyRequest, lang: Lang) {
    return `${req.url.split('?')[0]}?lang=${lang === 'vi' ? 'en' : 'vi'}`;
  }

  function loginPage(req: FastifyRequest, c: Awaited<ReturnType<typeof context>>, state: { idNumber?: string; errors?: FieldError[]; general?: string | null } = {}) {
    const { lang, org, details } = c;
    const uid = details.uid;
    const errs = state.errors ?? [];
    const err = (f: string) => errs.find((e) => e.field === f)?.message;
    return layout(lang, t(lang, 'title'), `<h1>${esc(t(lang, 'title'))}</h1>
<p class="lead">${esc(t(lang, 'asksToSignIn', { org }))}</p>
${errorSummary(lang, errs, state.general)}
<form method="post" action="/oidc/interaction/${esc(uid)}/login?lang=${lang}" novalidate>
${input({ id: 'idNumber', label: t(lang, 'idNumber'), hint: t(lang, 'idNumberHint'), value: state.idNumber ?? '', autocomplete: 'username', inputmode: 'numeric', ...(err('idNumber') ? { error: err('idNumber')! } : {}), autofocus: !state.idNumber })}
${input({ id: 'password', label: t(lang, 'password'), type: 'password', autocomplete: 'current-password', ...(err('password') ? { error: err('password')! } : {}), autofocus: !!state.idNumber })}
<button type="submit" class="primary">${esc(t(lang, 'signIn'))}</button>
</form>
<p class="or">${esc(t(lang, 'or'))}</p>
<button type="button" id="passkey" data-uid="${esc(uid)}" data-failed="${esc(t(lang, 'passkeyFailed'))}" class="secondary">${esc(t(lang, 'passkey'))}</button>
<p id="passkey-status" role="status" aria-live="polite"></p>
<p><a href="/oidc/interaction/${esc(uid)}/abort?lang=${lang}">${esc(t(lang, 'cancel'))}</a></p>`, { switchHref: switchHref(req, lang), script: true });
  }

  function secondFactorPage(req: FastifyRequest, c: Awaited<ReturnType<typeof context>>, state: { lead: string; error?: string }) {
    const { lang, details } = c;
    const uid = details.uid;
    return layout(lang, t(lang, 'totpTitle'), `<h1>${esc(t(lang, 'totpTitle'))}</h1>
<p class="lead">${esc(state.lead)}</p>
${state.error ? errorSummary(lang, [{ field: 'code', message: state.error }]) : ''}
<form method="post" action="/oidc/interaction/${esc(uid)}/totp?lang=${lang}" novalidate>
${input({ id: 'code', label: t(lang, 'totpCode'), hint: t(lang, 'totpHelp'), autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]{6}', autofocus: true, ...(state.error ? { error: state.error } : {}) })}
<button type="submit" class="primary">${esc(t(lang, 'confirm'))}</button>
</form>
<p class="or">${esc(t(lang, 'or'))}</p>
<button type="button" id="passkey" data-uid="${esc(uid)}" data-failed="${esc(t(lang, 'passkeyFailed'))}" class="secondary">${esc(t(lang, 'passkey'))}</button>
<p id="passkey-status" role="status" aria-live="polite"></p>
<p><a href="/oidc/interaction/${esc(uid)}/abort?lang=${lang}">${esc(t(lang, 'cancel'))}</a></p>`, { switchHref: switchHref(req, lang), script: true });
  }

  function consentPage(req: FastifyRequest, c: Awaited<ReturnType<typeof context>>, scopes: string[]) {
    const { lang, org, details, client } = c;
    const items = scopes.filter((s) => s !== 'openid').map((s) => SCOPE_LABELS[s as Exclude<ClaimScope, 'openid'>]).filter(Boolean).map((l) => `<li>${esc(l[lang])}</li>`);
    const purpose = lang === 'vi' ? client?.purpose_vi : client?.purpose_en;
    return layout(lang, t(lang, 'consentTitle'), `<h1>${esc(t(lang, 'consentTitle'))}</h1>
<p class="lead">${esc(t(lang, 'consentLead', { org }))}</p>
<ul class="fields"><li>${esc(t(lang, 'identifier'))}</li>${items.join('')}</ul>
${purpose ? `<p><strong>${esc(t(lang, 'purpose'))}:</strong> ${esc(purpose)}</p>` : ''}
<p class="note">${esc(t(lang, 'consentNote'))}</p>
<form method="post" action="/oidc/interaction/${esc(details.uid)}/consent?lang=${lang}">
<div class="actions"><button type="submit" name="decision" value="allow" class="primary" autofocus>${esc(t(lang, 'allow'))}</button>
<button type="submit" name="decision" value="deny">${esc(t(lang, 'deny'))}</button></div>
</form>`, { switchHref: switchHref(req, lang) });
  }

  function refusePage(req: FastifyRequest, c: Awaited<ReturnType<typeof context>>, message: string) {
    const { lang, details } = c;
    return layout(lang, t(lang, 'errorTitle'), `<h1>${esc(t(lang, 'errorTitle'))}</h1>
<div class="alert" role="alert" tabindex="-1" id="problem"><p>${esc(message)}</p></div>
<p><a class="button" href="/oidc/interaction/${esc(details.uid)}/abort?lang=${lang}&amp;reason=level">${esc(t(lang, 'cancel'))}</a></p>`, { switchHref: switchHref(req, lang) });
  }

  /**
   * The sign-in is recorded as a session on the citizen's device (listed and revocable in the
   * portal); its id goes into the interaction's result, so the provider Session the browser gets
   * is linked to it when the authorization resumes (sso-links.ts). Signing in to the portal itself
   * is recorded (and linked) by the portal when the code comes back, so one sign-in never shows as
   * two sessions.
   */
  async function deviceSession(req: FastifyRequest, c: Awaited<ReturnType<typeof context>>, accountId: string, method: Method, acr: Level): Promise<Record<string, string>> {
    if (c.client?.kind === 'first_party') return {};
    const s = await accounts.startSession({ accountId, method, acr, ip: req.ip, userAgent: req.headers['user-agent'] ?? '' });
    return { [DEVICE_SESSION_RESULT_KEY]: s.sessionId };
  }

  /** Ends the sign-in part of the interaction, or refuses it when the account cannot reach the level needed. */
  async function finishLogin(req: FastifyRequest, reply: FastifyReply, c: Awaited<ReturnType<typeof context>>, account: AccountRef, method: Method) {
    const acr: Level = sessionLevel(account.level, method);
    if (acr < c.need) return send(reply, refusePage(req, c, t(c.lang, account.level < 2 ? 'level2NotAvailable' : 'level2NeedsFactor')), 403);
    const device = await deviceSession(req, c, account.id, method, acr);
    const amr = method === 'password' ? ['pwd'] : method === 'password+totp' ? ['pwd', 'otp', 'mfa'] : ['hwk', 'user'];
    reply.hijack();
    return c.provider.interactionFinished(req.raw, reply.raw, { login: { accountId: account.id, acr: ACR[acr], amr, remember: true }, ...device }, { mergeWithLastSubmission: false });
  }

  app.get('/oidc/interaction/:uid', async (req, reply) => {
    const c = await context(req, reply);
    const { details } = c;
    if (details.prompt.name === 'login') {
      // A signed-in session that is below the level needed: ask for the second factor only.
      const accountId = details.session?.accountId;
      if (accountId && details.prompt.reasons.includes('eid_level')) {
        const account = await accounts.getAccount(accountId);
        if (account?.level === 2) {
          await c.provider.interactionResult(req.raw, reply.raw, { stepUp: { accountId } }, { mergeWithLastSubmission: false });
          return send(reply, secondFactorPage(req, c, { lead: t(c.lang, 'stepUp', { org: c.org }) }));
        }
        return send(reply, refusePage(req, c, t(c.lang, 'level2NotAvailable')), 403);
      }
      return send(reply, loginPage(req, c));
    }
    if (details.prompt.name === 'consent') {
      const missing = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
      if (c.client?.kind === 'first_party') return grantConsent(req, reply, c);
      return send(reply, consentPage(req, c, missing.length ? missing : String(details.params.scope ?? '').split(' ')));
    }
    return send(reply, refusePage(req, c, t(c.lang, 'errorLead')), 400);
  });

  app.post('/oidc/interaction/:uid/login', async (req, reply) => {
    const c = await context(req, reply);
    const body = (req.body ?? {}) as Record<string, string>;
    const idNumber = String(body.idNumber ?? '').replace(/\s+/g, '');
    const password = String(body.password ?? '');
    const errors: FieldError[] = [];
    if (!idNumber) errors.push({ field: 'idNumber', message: `${t(c.lang, 'idNumber')}: ${t(c.lang, 'required')}` });
    if (!password) errors.push({ field: 'password', message: `${t(c.lang, 'password')}: ${t(c.lang, 'required')}` });
    if (errors.length) return send(reply, loginPage(req, c, { idNumber, errors }), 400);
    try {
      const { account, secondFactor } = await accounts.authenticatePassword({ idNumber, password, ip: req.ip, userAgent: req.headers['user-agent'] ?? '' });
      if (secondFactor === 'totp') {
        await c.provider.interactionResult(req.raw, reply.raw, { pending: { accountId: account.id } }, { mergeWithLastSubmission: false });
        return send(reply, secondFactorPage(req, c, { lead: t(c.lang, 'totpHelp') }));
      }
      return await finishLogin(req, reply, c, account, 'password');
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      if (e.headers['retry-after']) reply.header('retry-after', e.headers['retry-after']);
      return send(reply, loginPage(req, c, { idNumber, general: e.message_(c.lang) }), e.status === 429 ? 429 : 401);
    }
  });

  app.post('/oidc/interaction/:uid/totp', async (req, reply) => {
    const c = await context(req, reply);
    const result = (c.details.result ?? {}) as { pending?: { accountId: string }; stepUp?: { accountId: string } };
    const accountId = result.pending?.accountId ?? result.stepUp?.accountId;
    if (!accountId) return send(reply, loginPage(req, c), 400);
    const code = String((req.body as Record<string, string> | undefined)?.code ?? '').replace(/\s+/g, '');
    try {
      await accounts.verifySecondFactor(accountId, code);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      return send(reply, secondFactorPage(req, c, { lead: t(c.lang, 'totpHelp'), error: e.message_(c.lang) }), e.status === 429 ? 429 : 401);
    }
    const account = await accounts.getAccount(accountId);
    if (!account) return send(reply, loginPage(req, c), 401);
    return finishLogin(req, reply, c, account, 'password+totp');
  });

  app.post('/oidc/interaction/:uid/passkey/options', async (req, reply) => {
    await context(req, reply);
    return reply.header('cache-control', 'no-store').send(await accounts.passkeyAuthenticationOptions({}));
  });

  app.post('/oidc/interaction/:uid/passkey', async (req, reply) => {
    const c = await context(req, reply);
    const body = (req.body ?? {}) as { challengeId?: string; response?: unknown };
    try {
      const account = await accounts.verifyPasskeyAuthentication({ challengeId: String(body.challengeId ?? ''), response: body.response, ip: req.ip, userAgent: req.headers['user-agent'] ?? '' });
      const acr = sessionLevel(account.level, 'passkey');
      if (acr < c.need) return reply.status(403).send({ error: t(c.lang, 'level2NotAvailable') });
      const device = await deviceSession(req, c, account.id, 'passkey', acr);
      const location = await c.provider.interactionResult(req.raw, reply.raw, { login: { accountId: account.id, acr: ACR[acr], amr: ['hwk', 'user'], remember: true }, ...device }, { mergeWithLastSubmission: false });
      return reply.header('cache-control', 'no-store').send({ location });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      return reply.status(e.status).send({ error: e.message_(c.lang) });
    }
  });

  async function grantConsent(req: FastifyRequest, reply: FastifyReply, c: Awaited<ReturnType<typeof context>>) {
    const { provider, details } = c;
    const accountId = details.session!.accountId;
    const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    const missingScope = details.prompt.details.missingOIDCScope as string[] | undefined;
    if (missingScope) grant.addOIDCScope(missingScope.join(' '));
    const missingClaims = details.prompt.details.missingOIDCClaims as string[] | undefined;
    if (missingClaims) grant.addOIDCClaims(missingClaims);
    const missingResource = details.prompt.details.missingResourceScopes as Record<string, string[]> | undefined;
    if (missingResource) for (const [indicator, scopes] of Object.entries(missingResource)) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    reply.hijack();
    return provider.interactionFinished(req.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  app.post('/oidc/interaction/:uid/consent', async (req, reply) => {
    const c = await context(req, reply);
    if (c.details.prompt.name !== 'consent') return send(reply, refusePage(req, c, t(c.lang, 'errorLead')), 400);
    if ((req.body as Record<string, string> | undefined)?.decision !== 'allow') {
      reply.hijack();
      return c.provider.interactionFinished(req.raw, reply.raw, { error: 'access_denied', error_description: 'The citizen did not consent.' }, { mergeWithLastSubmission: false });
    }
    return grantConsent(req, reply, c);
  });

  app.get('/oidc/interaction/:uid/abort', async (req, reply) => {
    const c = await context(req, reply);
    const level = (req.query as Record<string, string>).reason === 'level';
    reply.hijack();
    return c.provider.interactionFinished(req.raw, reply.raw, level
      ? { error: 'unmet_authentication_requirements', error_description: `eID level ${c.need} is required.` }
      : { error: 'access_denied', error_description: 'The citizen cancelled the sign-in.' }, { mergeWithLastSubmission: false });
  });

}
