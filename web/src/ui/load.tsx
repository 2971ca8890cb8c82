import { useCallback, useEffect, useState } from 'react';
import { errorText } from '../api/error-text.ts';
import { useI18n } from '../i18n/index.ts';
import { sentence } from './fields.tsx';

export type Loadable<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: unknown };
/** `busy`: a request is under way (the first, a retry, or for new `deps`). */
export type Loaded<T> = Loadable<T> & { busy: boolean; retry(): void; set(value: T): void };

/**
 * Loads on mount, when `deps` change, and on `retry()` (the shown value stays meanwhile, so a
 * refresh or the next page does not flash "loading"); `set` replaces the value after a change.
 */
export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[] = []): Loaded<T> {
  const [state, setState] = useState<Loadable<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(true);
  useEffect(() => {
    const ctrl = new AbortController();
    setBusy(true);
    load(ctrl.signal).then(
      (value) => {
        setState({ state: 'ready', value });
        setBusy(false);
      },
      (error: unknown) => {
        if (ctrl.signal.aborted) return;
        setState({ state: 'error', error });
        setBusy(false);
      },
    );
    return () => ctrl.abort();
    // `load` is a new closure on each render; `attempt` and `deps` ask again.
  }, [attempt, ...deps]);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  const set = useCallback((value: T) => setState({ state: 'ready', value }), []);
  return { ...state, busy, retry, set };
}

/** "Loading…", or why it failed (under `title`; null: the page's heading says it) with "Try again", for a page or a part of one. */
export function LoadState({ l, title }: { l: { state: string; error?: unknown; retry(): void }; title?: string | null }) {
  const { t, lang } = useI18n();
  if (l.state === 'loading')
    return (
      <p className="loading" role="status">
        {t('app.loading')}
      </p>
    );
  if (l.state !== 'error') return null;
  return (
    <div role="alert" className="alert">
      {title !== null && <p className="alert__title">{title ?? t('app.loadFailed')}</p>}
      <p>{sentence(errorText(l.error, lang, t))}</p>
      <p>
        <button type="button" className="button button--secondary" onClick={l.retry}>
          {t('app.retry')}
        </button>
      </p>
    </div>
  );
}
