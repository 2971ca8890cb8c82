import { useCallback, useEffect, useState } from 'react';
import { errorText } from '../api/error-text.ts';
import { sentence } from '../ui/fields.tsx';
import { useText } from './text.ts';

export type Loadable<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: unknown };

/** Loads once on mount and again on `retry()` or `reload()` (which keeps the shown value meanwhile). */
export function useApi<T>(load: (signal: AbortSignal) => Promise<T>): Loadable<T> & { retry(): void; set(value: T): void } {
  const [state, setState] = useState<Loadable<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const ctrl = new AbortController();
    load(ctrl.signal).then(
      (value) => setState({ state: 'ready', value }),
      (error: unknown) => !ctrl.signal.aborted && setState({ state: 'error', error }),
    );
    return () => ctrl.abort();
    // `load` is a new closure on each render; only `attempt` asks again.
  }, [attempt]);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  const set = useCallback((value: T) => setState({ state: 'ready', value }), []);
  return { ...state, retry, set };
}

/** "Loading…" or the reason it failed with "Try again", for a part of a page. */
export function LoadState({ l }: { l: { state: string; error?: unknown; retry(): void } }) {
  const { pt, t, lang } = useText();
  if (l.state === 'loading')
    return (
      <p className="loading" role="status">
        {pt('loading')}
      </p>
    );
  if (l.state !== 'error') return null;
  return (
    <div role="alert" className="alert">
      <p className="alert__title">{pt('loadFailed')}</p>
      <p>{sentence(errorText(l.error, lang, t))}</p>
      <p>
        <button type="button" className="button button--secondary" onClick={l.retry}>
          {pt('retry')}
        </button>
      </p>
    </div>
  );
}
