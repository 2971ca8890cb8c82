import { useId, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { useFocusAfterRender } from '../ui/focus.ts';
import { sentence, type SummaryItem } from './fields.tsx';
import { useText, type PlainKey } from './text.ts';

/**
 * The state of an admin form: what was typed (kept when the server refuses it), an error per
 * field and one for the form, and the focus moved to the first field to fix (or to the summary).
 * A server refusal is spread over the fields it names; what names no field of the form is shown
 * above it with the server's own words.
 */
export function useAdminForm<V extends object>(o: {
  initial: V | (() => V);
  order: ReadonlyArray<keyof V & string>;
  labels: Record<keyof V & string, PlainKey>;
  /** The form field a request field (`purpose.vi`, `roles.0`) belongs to; default: its first segment, when that is a field. */
  fieldOf?: (serverField: string) => (keyof V & string) | null;
  /** Refusals that name no field but belong to one (by error code), shown there with the server's sentence. */
  codeFields?: Readonly<Record<string, keyof V & string>>;
  /** The id of a field's control from the form's id (default `${id}-${field}`). */
  idOf?: (id: string, f: keyof V & string) => string;
}) {
  type F = keyof V & string;
  const { dt, t, lang } = useText();
  const id = useId();
  const [v, setV] = useState<V>(o.initial);
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({});
  const [detail, setDetail] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const alertRef = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const fid = (f: F) => (o.idOf ? o.idOf(id, f) : `${id}-${f}`);
  const fieldOf = o.fieldOf ?? ((s: string) => (o.order.find((f) => f === s.split('.')[0]) ?? null));

  /** Sets a field; its error goes away as it changes. */
  const set = <K extends F>(f: K, value: V[K]) => {
    setV((old) => ({ ...old, [f]: value }));
    if (errors[f]) setErrors((old) => ({ ...old, [f]: undefined }));
  };

  function show(errs: Partial<Record<F, string>>, d: string | null) {
    setErrors(errs);
    setDetail(d);
    const first = o.order.find((f) => errs[f]);
    focusAfterRender(first ? fid(first) : () => alertRef.current);
  }

  /** No error shown (while the form is sent). */
  function clear() {
    setErrors({});
    setDetail(null);
  }

  function refused(err: unknown) {
    const fieldErrs: Partial<Record<F, string>> = {};
    const other: string[] = [];
    if (err instanceof ApiError) {
      for (const fe of err.fieldErrors) {
        const f = fieldOf(fe.field);
        const msg = fe.messages?.[lang] ?? fe.message;
        if (f && !fieldErrs[f]) fieldErrs[f] = msg;
        else if (!f) other.push(`${fe.field}: ${msg}`);
      }
      // The server's whole sentence ("Invalid public key: key 0 …") says more than a bare field message.
      const f = o.codeFields?.[err.code];
      if (f) fieldErrs[f] = errorText(err, lang, t);
    }
    show(fieldErrs, Object.keys(fieldErrs).length ? null : [sentence(errorText(err, lang, t)), ...other].join(' '));
  }

  /**
   * The form's submit handler: `check` gives the request body or the errors found in the page;
   * the body is sent once at a time; a refusal is shown as above and the form can be sent again.
   */
  function submit<B>(check: () => { body: B | null; errs: Partial<Record<F, string>> }, send: (body: B) => Promise<unknown>) {
    return async (e: FormEvent<HTMLFormElement>) => {
      e.preventDefault();
      if (submitting) return;
      const { body, errs } = check();
      if (!body) return show(errs, null);
      setSubmitting(true);
      clear();
      try {
        await send(body);
      } catch (err) {
        setSubmitting(false);
        refused(err);
      }
    };
  }

  const label = (k: PlainKey): string => dt(k);
  const items: SummaryItem[] = o.order.filter((f) => errors[f]).map((f) => ({ id: fid(f), label: label(o.labels[f]), message: errors[f]! }));
  return { id, v, setV, set, errors, setErrors, detail, show, clear, refused, submit, submitting, setSubmitting, fid, alertRef, items };
}
