import type { Translate } from '../i18n/i18n.tsx';
import type { Lang } from '../i18n/messages.ts';
import { ApiError } from './problem.ts';

/** What to tell the user about a failed call: the server's own words, else ours. */
export function errorText(err: unknown, lang: Lang, t: Translate): string {
  if (err instanceof ApiError) {
    const fromServer = err.detailIn(lang);
    if (fromServer) return fromServer;
    if (err.kind === 'network') return t('error.network');
    return t('error.unexpected', { status: err.status });
  }
  return t('error.unexpected', { status: 0 });
}
