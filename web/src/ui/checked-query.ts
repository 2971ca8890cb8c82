import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/problem.ts';
import { useI18n } from '../i18n/index.ts';
import { useFocusAfterRender } from './focus.ts';
import type { SummaryItem } from './fields.tsx';

/** `invalid`: the server refused the query; its reasons are next to the fields, not in a load error. */
export type CheckedLoad<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'invalid' } | { state: 'error'; error: unknown };
export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/**
 * A report asked with a small form (`fields`, in the order of the page): loads the initial query
 * now and each accepted submit (again when it is the query shown). Errors, from `submit`'s check
 * or the server's field errors on `fields`, are shown next to the fields and in the summary
 * (`items`, `alertRef`), with the focus on the first field to fix, or on the summary when the form
 * does not show that field; what was typed stays in the form.
 */
export function useCheckedQuery<F extends string, Q, T>(o: {
  fields: readonly F[];
  fieldId(f: F): string;
  labels: Record<F, string>;
  initial: () => Q;
  get(q: Q, opts: { signal: AbortSignal }): Promise<T>;
}) {
  const { lang } = useI18n();
  const [query, setQuery] = useState(o.initial);
  const [attempt, setAttempt] = useState(0);
  const [load, setLoad] = useState<CheckedLoad<T>>({ state: 'loading' });
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const alertRef = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const firstOf = (e: FieldErrors<F>) => o.fields.find((f) => e[f]);
  const focusFirst = (f: F) => focusAfterRender(() => document.getElementById(o.fieldId(f)) ?? alertRef.current);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoad({ state: 'loading' });
    o.get(query, { signal: ctrl.signal }).then(
      (value) => setLoad({ state: 'ready', value }),
      (error: unknown) => {
        if (ctrl.signal.aborted) return;
        const fe: FieldErrors<F> = {};
        if (error instanceof ApiError) for (const f of error.fieldErrors) if ((o.fields as readonly string[]).includes(f.field)) fe[f.field as F] ??= f.messages?.[lang] ?? f.message;
        const first = firstOf(fe);
        if (first) {
          setErrors(fe);
          setLoad({ state: 'invalid' });
          focusFirst(first);
        } else setLoad({ state: 'error', error });
      },
    );
    return () => ctrl.abort();
    // `o.get` is a new closure on each render; `attempt` asks again.
  }, [query, attempt]);

  const retry = () => setAttempt((a) => a + 1);
  /** Shows `errs` (the form as typed, checked), or asks for `next()` when there are none. */
  function submit(errs: FieldErrors<F>, next: () => Q) {
    setErrors(errs);
    const first = firstOf(errs);
    if (first) return focusFirst(first);
    setQuery(next());
    retry();
  }
  /** Takes a field's error away once the user changes it. */
  function clearError(f: F) {
    if (errors[f]) setErrors((e) => ({ ...e, [f]: undefined }));
  }
  const items: SummaryItem[] = o.fields.filter((f) => errors[f]).map((f) => ({ id: o.fieldId(f), label: o.labels[f], message: errors[f]! }));
  return { load, errors, items, alertRef, submit, retry, clearError };
}
