import { errorCatalogue } from './errors.ts';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The problem `type` URIs point here: every error code with its status and both messages. */
export function errorsPage(): string {
  const rows = [...errorCatalogue()].sort(([a], [b]) => a.localeCompare(b)).map(([code, d]) => `<tr id="${code}"><td><code>${code}</code></td><td>${d.status}</td><td>${esc(d.vi)}</td><td>${esc(d.en)}</td></tr>`);
  return `<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Open06 — mã lỗi / error codes</title><style>body{font-family:system-ui,sans-serif;margin:1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}tr:target{background:#ffd}</style><h1>Mã lỗi / Error codes</h1><p>RFC 9457 problem details: <code>code</code>, <code>detail</code> (vi/en by Accept-Language), <code>errors[].field</code>.</p><table><tr><th>code</th><th>HTTP</th><th>Tiếng Việt</th><th>English</th></tr>${rows.join('')}</table></html>`;
}
