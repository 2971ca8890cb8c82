export type Lang = 'vi' | 'en';
export type Localised = { vi: string; en: string };

/** Vietnamese unless the client prefers English over Vietnamese (RFC 9110 Accept-Language). */
export function pickLang(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'vi';
  let best: { lang: Lang; q: number } = { lang: 'vi', q: -1 };
  for (const part of acceptLanguage.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    const lang: Lang | null = tag.startsWith('vi') ? 'vi' : tag.startsWith('en') ? 'en' : null;
    if (lang && q > best.q) best = { lang, q };
  }
  return best.lang;
}

export function fill(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}
