/**
 * The provider's own pages (sign-in, second factor, consent, logout, errors), rendered on the
 * server: they work without JavaScript except the passkey button, in Vietnamese first and
 * English, on a phone and with a keyboard. Styles and the passkey script are separate files so
 * the pages can forbid inline code (Content-Security-Policy).
 */
import type { KoaContextWithOIDC } from 'oidc-provider';

export type Lang = 'vi' | 'en';

const T = {
  title: { vi: 'Đăng nhập bằng định danh điện tử', en: 'Sign in with eID' },
  brand: { vi: 'Định danh điện tử Open06', en: 'Open06 eID' },
  asksToSignIn: { vi: '{org} đề nghị bạn đăng nhập.', en: '{org} asks you to sign in.' },
  idNumber: { vi: 'Số định danh cá nhân', en: 'Personal ID number' },
  idNumberHint: { vi: '12 chữ số trên thẻ căn cước', en: 'The 12 digits on your ID card' },
  password: { vi: 'Mật khẩu', en: 'Password' },
  signIn: { vi: 'Đăng nhập', en: 'Sign in' },
  or: { vi: 'hoặc', en: 'or' },
  passkey: { vi: 'Đăng nhập bằng khoá truy cập (passkey)', en: 'Sign in with a passkey' },
  passkeyFailed: { vi: 'Không đăng nhập được bằng khoá truy cập. Hãy thử lại hoặc dùng mật khẩu.', en: 'Signing in with a passkey failed. Try again or use your password.' },
  cancel: { vi: 'Huỷ và quay lại', en: 'Cancel and go back' },
  totpTitle: { vi: 'Xác thực hai lớp', en: 'Two-step verification' },
  totpHelp: { vi: 'Nhập mã 6 chữ số từ ứng dụng xác thực của bạn.', en: 'Enter the 6-digit code from your authenticator app.' },
  totpCode: { vi: 'Mã xác thực', en: 'Verification code' },
  confirm: { vi: 'Xác nhận', en: 'Confirm' },
  stepUp: { vi: '{org} yêu cầu định danh điện tử mức độ 2. Hãy xác nhận bằng yếu tố thứ hai.', en: '{org} requires eID level 2. Confirm with a second factor.' },
  level2NotAvailable: { vi: 'Dịch vụ này yêu cầu tài khoản định danh điện tử mức độ 2. Tài khoản của bạn đang ở mức độ 1: hãy đến cơ quan Công an gần nhất với thẻ căn cước để nâng mức.', en: 'This service requires an eID account of level 2. Yours is level 1: visit a police office with your ID card to upgrade it.' },
  level2NeedsFactor: { vi: 'Dịch vụ này yêu cầu mức độ 2 với xác thực hai yếu tố. Hãy bật ứng dụng xác thực (TOTP) hoặc khoá truy cập trong mục Bảo mật tài khoản rồi thử lại.', en: 'This service requires level 2 with two factors. Turn on an authenticator app (TOTP) or a passkey under Account security, then try again.' },
  consentTitle: { vi: 'Chia sẻ thông tin', en: 'Share information' },
  consentLead: { vi: '{org} sẽ nhận các thông tin sau từ Cơ sở dữ liệu quốc gia về dân cư:', en: '{org} will receive the following from the national population database:' },
  purpose: { vi: 'Mục đích', en: 'Purpose' },
  consentNote: { vi: 'Bạn có thể rút lại sự đồng ý này bất cứ lúc nào trong Cổng công dân. Mỗi lần chia sẻ đều được ghi lại để bạn xem.', en: 'You can withdraw this consent at any time in the citizen portal. Every release is logged for you to see.' },
  allow: { vi: 'Đồng ý chia sẻ', en: 'Allow' },
  deny: { vi: 'Không đồng ý', en: 'Deny' },
  identifier: { vi: 'Mã định danh riêng cho tổ chức này', en: 'An identifier specific to this organisation' },
  logoutTitle: { vi: 'Đăng xuất', en: 'Sign out' },
  logoutLead: { vi: 'Bạn có muốn đăng xuất khỏi định danh điện tử không?', en: 'Do you want to sign out of eID?' },
  logoutYes: { vi: 'Đăng xuất', en: 'Sign out' },
  logoutNo: { vi: 'Vẫn đăng nhập', en: 'Stay signed in' },
  loggedOut: { vi: 'Bạn đã đăng xuất.', en: 'You have signed out.' },
  errorTitle: { vi: 'Không thể tiếp tục', en: 'Cannot continue' },
  errorLead: { vi: 'Yêu cầu đăng nhập không hợp lệ hoặc đã hết hạn. Hãy quay lại dịch vụ và thử lại.', en: 'The sign-in request is invalid or has expired. Go back to the service and try again.' },
  errorCode: { vi: 'Mã lỗi', en: 'Error code' },
  switchLang: { vi: 'English', en: 'Tiếng Việt' },
  required: { vi: 'Bắt buộc nhập.', en: 'Required.' },
  errorSummary: { vi: 'Có lỗi cần sửa', en: 'There is a problem' },
} as const;
export type TextKey = keyof typeof T;

export function t(lang: Lang, key: TextKey, params: Record<string, string> = {}): string {
  return T[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? '');
}

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

/** vi unless the request asks for English (query `lang`, cookie `open06_lang`, `ui_locales` or Accept-Language). */
export function pickLang(q: { query?: string | null; cookie?: string | null; uiLocales?: string | null; acceptLanguage?: string | null }): Lang {
  for (const v of [q.query, q.cookie]) if (v === 'vi' || v === 'en') return v;
  const first = (s: string | null | undefined) => s?.split(/[ ,;]/).find(Boolean)?.toLowerCase().slice(0, 2);
  const ui = first(q.uiLocales);
  if (ui === 'en' || ui === 'vi') return ui;
  return first(q.acceptLanguage) === 'en' ? 'en' : 'vi';
}

export function layout(lang: Lang, title: string, body: string, opts: { switchHref?: string; script?: boolean } = {}): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · ${esc(t(lang, 'brand'))}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/oidc-assets/eid.css">
${opts.script ? '<script src="/oidc-assets/passkey.js" defer></script>' : ''}
</head>
<body>
<header class="bar"><span class="brand">${esc(t(lang, 'brand'))}</span>${opts.switchHref ? `<a class="lang" href="${esc(opts.switchHref)}" lang="${lang === 'vi' ? 'en' : 'vi'}">${esc(t(lang, 'switchLang'))}</a>` : ''}</header>
<main id="main">
${body}
</main>
</body>
</html>`;
}

export interface FieldError { field: string; message: string }

export function errorSummary(lang: Lang, errors: FieldError[], general?: string | null): string {
  if (!errors.length && !general) return '';
  const items = [...(general ? [`<li>${esc(general)}</li>`] : []), ...errors.map((e) => `<li><a href="#${esc(e.field)}">${esc(e.message)}</a></li>`)];
  return `<div class="alert" role="alert" tabindex="-1" id="problem"><h2>${esc(t(lang, 'errorSummary'))}</h2><ul>${items.join('')}</ul></div>`;
}

export function input(o: { id: string; label: string; type?: string; value?: string; hint?: string; error?: string; autocomplete?: string; inputmode?: string; pattern?: string; autofocus?: boolean }): string {
  const described = [o.hint ? `${o.id}-hint` : '', o.error ? `${o.id}-error` : ''].filter(Boolean).join(' ');
  return `<div class="field${o.error ? ' invalid' : ''}">
<label for="${o.id}">${esc(o.label)}</label>
${o.hint ? `<p class="hint" id="${o.id}-hint">${esc(o.hint)}</p>` : ''}
${o.error ? `<p class="error" id="${o.id}-error">${esc(o.error)}</p>` : ''}
<input id="${o.id}" name="${o.id}" type="${o.type ?? 'text'}" value="${esc(o.value ?? '')}"${o.autocomplete ? ` autocomplete="${o.autocomplete}"` : ''}${o.inputmode ? ` inputmode="${o.inputmode}"` : ''}${o.pattern ? ` pattern="${o.pattern}"` : ''}${described ? ` aria-describedby="${described}"` : ''}${o.error ? ' aria-invalid="true"' : ''}${o.autofocus ? ' autofocus' : ''} required>
</div>`;
}

function ctxLang(ctx: KoaContextWithOIDC): Lang {
  return pickLang({ query: typeof ctx.query.lang === 'string' ? ctx.query.lang : null, cookie: ctx.cookies.get('open06_lang') ?? null, uiLocales: (ctx.oidc?.params?.ui_locales as string | undefined) ?? null, acceptLanguage: ctx.get('accept-language') });
}

export function logoutPage(ctx: KoaContextWithOIDC, form: string): string {
  const lang = ctxLang(ctx);
  // The provider's form (hidden fields: xsrf and logout) is kept; our buttons submit it.
  const formId = /id="([^"]+)"/.exec(form)?.[1] ?? 'op.logoutForm';
  return layout(lang, t(lang, 'logoutTitle'), `<h1>${esc(t(lang, 'logoutTitle'))}</h1>
<p>${esc(t(lang, 'logoutLead'))}</p>
${form}
<div class="actions"><button type="submit" form="${esc(formId)}" name="logout" value="yes" class="primary" autofocus>${esc(t(lang, 'logoutYes'))}</button>
<button type="submit" form="${esc(formId)}">${esc(t(lang, 'logoutNo'))}</button></div>`);
}

export function loggedOutPage(ctx: KoaContextWithOIDC): string {
  const lang = ctxLang(ctx);
  return layout(lang, t(lang, 'logoutTitle'), `<h1>${esc(t(lang, 'logoutTitle'))}</h1><p>${esc(t(lang, 'loggedOut'))}</p>`);
}

export function errorPage(ctx: KoaContextWithOIDC, out: { error?: string; error_description?: string }): string {
  const lang = ctxLang(ctx);
  return layout(lang, t(lang, 'errorTitle'), `<h1>${esc(t(lang, 'errorTitle'))}</h1>
<div class="alert" role="alert"><p>${esc(t(lang, 'errorLead'))}</p>
<p>${esc(t(lang, 'errorCode'))}: <code>${esc(out.error)}</code>${out.error_description ? ` — ${esc(out.error_description)}` : ''}</p></div>`);
}

/** The error page outside the provider (an interaction that expired or was tampered with). */
export function errorPageHtml(acceptLanguage: string | null, out: { error?: string; error_description?: string }): string {
  const lang = pickLang({ acceptLanguage });
  return layout(lang, t(lang, 'errorTitle'), `<h1>${esc(t(lang, 'errorTitle'))}</h1>
<div class="alert" role="alert"><p>${esc(t(lang, 'errorLead'))}</p>
<p>${esc(t(lang, 'errorCode'))}: <code>${esc(out.error)}</code></p></div>`);
}
