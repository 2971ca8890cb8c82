import { useCallback, useEffect, useState } from 'react';
import { errorText } from '../api/error-text.ts';
import { sentence } from '../ui/fields.tsx';
import { useText } from './text.ts';

export type Loadable<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: unknown };

/**
 * Loads on mount, when `deps` change, and on `retry()` (the shown value stays meanwhile, so a
 * refresh does not flash "loading"); `set` replaces the value after a change.
 */
export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[] = []): Loadable<T> & { retry(): void; set(value: T): void } {
  const [state, setState] = useState<Loadable<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const ctrl = new AbortController();
    load(ctrl.signal).then(
      (value) => setState({ state: 'ready', value }),
      (error: unknown) => !ctrl.signal.aborted && setState({ state: 'error', error }),
    );
    return () => ctrl.abort();
    // `load` is a new closure on each render; `attempt` and `deps` ask again.
  }, [attempt, ...deps]);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  const set = useCallback((value: T) => setState({ state: 'ready', value }), []);
  return { ...state, retry, set };
}

/** "Loading…" or the reason it failed with "Try again", for a part of a page. */
export function LoadState({ l }: { l: { state: string; error?: unknown; retry(): void } }) {
  const { xt, t, lang } = useText();
  if (l.state === 'loading')
    return (
      <p className="loading" role="status">
        {xt('loading')}
      </p>
    );
  if (l.state !== 'error') return null;
  return (
    <div role="alert" className="alert">
      <p className="alert__title">{xt('loadFailed')}</p>
      <p>{sentence(errorText(l.error, lang, t))}</p>
      <p>
        <button type="button" className="button button--secondary" onClick={l.retry}>
          {xt('retry')}
        </button>
      </p>
    </div>
  );
}

/** A byte count as B, KB, MB or GB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** A number with the page language's digit grouping. */
export function formatNumber(n: number, lang: 'vi' | 'en'): string {
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB').format(n);
}
