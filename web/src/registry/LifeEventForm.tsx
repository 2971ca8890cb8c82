import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { useOfficer } from '../auth/session.tsx';
import { ErrorSummary, FormField, type SummaryItem } from './fields.tsx';
import { sentence, todayInVietnam } from './format.ts';
import { SubmissionAttempt } from './idempotency.ts';
import { useText, type PlainKey } from './text.ts';
import { UnitSelects } from './UnitSelects.tsx';

/**
 * One shell for every life-event form (person and household events): the fields an event needs,
 * then the legal basis (required) and the reason (optional). Errors found here or by the server
 * (RFC 9457 `errors[].field`) are shown next to their fields and focus the first one; what was
 * typed stays. Each submission carries an Idempotency-Key, the same one when the same form is
 * sent again after a lost answer.
 */

/**
 * `address` stands for three form fields: address, provinceCode, communeCode (the server's `residence`).
 * `select` picks one of `options`; `choices` ticks several of them (the value is their values joined by ",").
 */
export type FieldKind = 'date' | 'text' | 'idNumber' | 'address' | 'select' | 'choices';

export interface Option {
  value: string;
  label: string;
}

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  label: PlainKey;
  /** A label that is data (a member's name), shown instead of `label`. */
  labelText?: string;
  hint?: PlainKey;
  optional?: boolean;
  maxLength?: number;
  /** Suggestions for a text field. */
  suggestions?: readonly string[];
  /** What a `select` or `choices` field offers. */
  options?: readonly Option[];
  /** Client check beyond "required"/format: a message key, or null when fine. */
  check?(value: string, all: Values, today: string): PlainKey | null;
}

export type Values = Record<string, string>;

export interface EventSpec<B, R = unknown> {
  /** Fields of this event, in form order (legal basis and reason follow). */
  fields: readonly FieldSpec[];
  /** Hint for the legal basis: the law usually cited for this event. */
  legalBasisHint: PlainKey;
  submitLabel: PlainKey;
  /** A note above the fields (what the event changes). */
  intro?: PlainKey;
  /** Initial values of the event's own fields. */
  initial?: Values;
  /** Server field names (dotted) → form field names, beyond the identical ones and `residence.*`. */
  serverFields?: Record<string, string>;
  /** Problem codes without `errors[]` (a 404 for an ID number) → the form field their detail belongs to. */
  codeFields?: Record<string, string>;
  toBody(v: Values): B;
  send(body: B & { legalBasis: string; reason?: string }, idempotencyKey: string): Promise<R>;
}

const clean = (s: string) => s.trim().replace(/\s+/g, ' ');
const ADDRESS_PARTS = ['address', 'provinceCode', 'communeCode'] as const;

/** The form field names a spec shows, in order (an address is three). */
function formFields(spec: EventSpec<unknown>): string[] {
  return [...spec.fields.flatMap((f) => (f.kind === 'address' ? [...ADDRESS_PARTS] : [f.name])), 'legalBasis', 'reason'];
}

/** The server's dotted field → a form field, or null when the form has no such field. */
function mapServerField(spec: EventSpec<unknown>, field: string, names: readonly string[]): string | null {
  const extra = spec.serverFields?.[field] ?? spec.serverFields?.[field.replace(/\.[^.]*$/, '.*')];
  if (extra) return extra;
  const m = /^residence(?:\.(address|provinceCode|communeCode))?$/.exec(field);
  if (m) return m[1] ?? 'address';
  return names.includes(field) ? field : null;
}

/** Pieces of the address of a spec's `address` field, as the server wants them. */
/** The values of a `choices` field. */
export const choicesOf = (value: string | undefined): string[] => (value ? value.split(',').filter(Boolean) : []);

export function residenceOf(v: Values): { address: string; provinceCode: string; communeCode: string } {
  return { address: clean(v.address ?? ''), provinceCode: v.provinceCode ?? '', communeCode: v.communeCode ?? '' };
}

export function LifeEventForm<B, R = unknown>({ spec, title, testId, onCancel, onDone }: { spec: EventSpec<B, R>; title: string; testId: string; onCancel(): void; onDone(result: R): void }) {
  const { rt, t, lang } = useText();
  const officer = useOfficer();
  const id = useId();
  const today = todayInVietnam();
  const names = formFields(spec as EventSpec<unknown>);
  const [values, setValues] = useState<Values>(() => {
    const v: Values = { legalBasis: '', reason: '' };
    for (const f of spec.fields) {
      if (f.kind === 'address') {
        v.address = '';
        v.provinceCode = officer.jurisdiction.provinceCode ?? '';
        v.communeCode = officer.jurisdiction.communeCode ?? '';
      } else v[f.name] = '';
    }
    return { ...v, ...spec.initial };
  });
  const [invalid, setInvalid] = useState<Record<string, PlainKey | undefined>>({});
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const attempt = useRef(new SubmissionAttempt());
  const controls = useRef<Record<string, HTMLElement | null>>({});
  const alertRef = useRef<HTMLDivElement>(null);
  const focusNext = useRef<string | null>(null);

  useEffect(() => {
    const target = focusNext.current;
    if (!target) return;
    focusNext.current = null;
    if (target === 'alert') alertRef.current?.focus();
    else controls.current[target]?.focus();
  });

  const apiError = error instanceof ApiError ? error : null;
  const serverMessage = (f: string): string | null => {
    if (!apiError) return null;
    for (const fe of apiError.fieldErrors) if (mapServerField(spec as EventSpec<unknown>, fe.field, names) === f) return fe.messages?.[lang] ?? fe.message;
    if (!apiError.fieldErrors.length && apiError.code && spec.codeFields?.[apiError.code] === f) return apiError.detailIn(lang) ?? null;
    return null;
  };
  const fieldError = (f: string): string | null => (invalid[f] ? rt(invalid[f]!) : serverMessage(f));
  const unmapped = apiError ? apiError.fieldErrors.filter((fe) => !mapServerField(spec as EventSpec<unknown>, fe.field, names)) : [];

  const labelOf = (f: string): string => {
    if (f === 'legalBasis') return rt('life.legalBasis');
    if (f === 'reason') return rt('life.reason');
    if (f === 'address') return rt('life.address');
    if (f === 'provinceCode') return rt('birth.province');
    if (f === 'communeCode') return rt('birth.commune');
    const s = spec.fields.find((x) => x.name === f);
    return s ? s.labelText ?? rt(s.label) : f;
  };
  const summary: SummaryItem[] = names.flatMap((f) => {
    const m = fieldError(f);
    return m ? [{ id: `${id}-${f === 'provinceCode' ? 'province' : f === 'communeCode' ? 'commune' : f}`, label: labelOf(f), message: m }] : [];
  });
  const detail = summary.length ? null : error ? [sentence(errorText(error, lang, t)), ...unmapped.map((fe) => sentence(fe.messages?.[lang] ?? fe.message))].join(' ') : null;
  const canRetrySame = error instanceof ApiError && (error.kind === 'network' || error.status >= 500);

  const set = (f: string) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setValues((old) => ({ ...old, [f]: v }));
    if (invalid[f]) setInvalid((old) => ({ ...old, [f]: undefined }));
  };
  const ref = (f: string) => (el: HTMLElement | null) => {
    controls.current[f] = el;
  };

  function check(): Record<string, PlainKey> {
    const e: Record<string, PlainKey> = {};
    for (const f of spec.fields) {
      if (f.kind === 'address') {
        if (!clean(values.address ?? '')) e.address = 'life.addressRequired';
        if (!values.provinceCode) e.provinceCode = 'birth.provinceRequired';
        if (!values.communeCode) e.communeCode = 'birth.communeRequired';
        continue;
      }
      const v = values[f.name] ?? '';
      if (!v.trim()) {
        if (!f.optional) e[f.name] = f.kind === 'date' ? 'life.dateRequired' : f.kind === 'idNumber' ? 'life.idRequired' : f.kind === 'select' || f.kind === 'choices' ? 'life.choiceRequired' : 'life.valueRequired';
      } else if (f.kind === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) e[f.name] = 'life.dateRequired';
      else if (f.kind === 'idNumber' && !/^\d{12}$/.test(v.trim())) e[f.name] = 'birth.idFormat';
      if (!e[f.name] && f.check) {
        const m = f.check(v, values, today);
        if (m) e[f.name] = m;
      }
    }
    if (!clean(values.legalBasis ?? '')) e.legalBasis = 'birth.legalBasisRequired';
    return e;
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (submitting) return;
    const found = check();
    setInvalid(found);
    const first = names.find((f) => found[f]);
    if (first) {
      setError(null);
      focusNext.current = first;
      return;
    }
    const reason = clean(values.reason ?? '');
    const body = { ...spec.toBody(values), legalBasis: clean(values.legalBasis ?? ''), ...(reason ? { reason } : {}) };
    const key = attempt.current.keyFor(body);
    setError(null);
    setSubmitting(true);
    try {
      const result = await spec.send(body, key);
      attempt.current.reset();
      onDone(result);
    } catch (err) {
      setError(err);
      setSubmitting(false);
      const byCode = err instanceof ApiError && !err.fieldErrors.length && err.code ? spec.codeFields?.[err.code] : undefined;
      const mapped = err instanceof ApiError ? byCode ?? names.find((f) => err.fieldErrors.some((fe) => mapServerField(spec as EventSpec<unknown>, fe.field, names) === f)) : undefined;
      focusNext.current = mapped ?? 'alert';
    }
  }

  const control = (f: FieldSpec) => {
    if (f.kind === 'address')
      return (
        <fieldset key={f.name}>
          <legend>{rt(f.label)}</legend>
          <UnitSelects
            idPrefix={id}
            value={{ provinceCode: values.provinceCode ?? '', communeCode: values.communeCode ?? '' }}
            onChange={(u) => {
              setValues((old) => ({ ...old, ...u }));
              setInvalid((old) => ({ ...old, provinceCode: u.provinceCode ? undefined : old.provinceCode, communeCode: u.communeCode ? undefined : old.communeCode }));
            }}
            labels={{ province: rt('birth.province'), commune: rt('birth.commune') }}
            errors={{ province: fieldError('provinceCode'), commune: fieldError('communeCode') }}
            provinceRef={ref('provinceCode')}
            communeRef={ref('communeCode')}
          />
          <FormField id={`${id}-address`} label={rt('life.address')} hint={rt('life.addressHint')} error={fieldError('address')}>
            {(p) => <input {...p} ref={ref('address')} name="address" type="text" autoComplete="off" maxLength={300} value={values.address ?? ''} onChange={set('address')} />}
          </FormField>
        </fieldset>
      );
    if (f.kind === 'choices') {
      const picked = choicesOf(values[f.name]);
      const err = fieldError(f.name);
      const toggle = (v: string, on: boolean) => {
        setValues((old) => {
          const now = choicesOf(old[f.name]).filter((x) => x !== v);
          return { ...old, [f.name]: (on ? [...now, v] : now).join(',') };
        });
        if (invalid[f.name]) setInvalid((old) => ({ ...old, [f.name]: undefined }));
      };
      return (
        <fieldset key={f.name} className={`choices${err ? ' field--invalid' : ''}`} aria-describedby={err ? `${id}-${f.name}-error` : undefined} data-testid={`${f.name}-choices`}>
          <legend>{f.labelText ?? rt(f.label)}</legend>
          {f.hint && <p className="field__hint">{rt(f.hint)}</p>}
          {err && (
            <p className="field__error" id={`${id}-${f.name}-error`}>
              {err}
            </p>
          )}
          {(f.options ?? []).map((o, i) => (
            <label key={o.value} className="choice">
              <input
                type="checkbox"
                id={i === 0 ? `${id}-${f.name}` : undefined}
                ref={i === 0 ? ref(f.name) : undefined}
                name={f.name}
                value={o.value}
                checked={picked.includes(o.value)}
                onChange={(e) => toggle(o.value, e.currentTarget.checked)}
              />{' '}
              {o.label}
            </label>
          ))}
        </fieldset>
      );
    }
    const narrow = f.kind !== 'text' && f.kind !== 'select' ? true : f.kind === 'text' && (f.maxLength ?? 300) <= 40;
    return (
      <FormField key={f.name} id={`${id}-${f.name}`} label={f.labelText ?? rt(f.label)} hint={f.hint ? rt(f.hint) : f.kind === 'idNumber' ? rt('birth.idHint') : undefined} optional={f.optional} error={fieldError(f.name)} className={narrow ? 'field--narrow' : undefined}>
        {(p) =>
          f.kind === 'date' ? (
            <input {...p} ref={ref(f.name)} name={f.name} type="date" min="1900-01-01" value={values[f.name] ?? ''} onChange={set(f.name)} />
          ) : f.kind === 'select' ? (
            <select {...p} ref={ref(f.name)} name={f.name} value={values[f.name] ?? ''} onChange={set(f.name)}>
              <option value="">{rt('life.choose')}</option>
              {(f.options ?? []).map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          ) : (
            <>
              <input
                {...p}
                ref={ref(f.name)}
                name={f.name}
                type="text"
                autoComplete="off"
                spellCheck={false}
                inputMode={f.kind === 'idNumber' ? 'numeric' : undefined}
                maxLength={f.kind === 'idNumber' ? 12 : f.maxLength ?? 300}
                list={f.suggestions ? `${id}-${f.name}-list` : undefined}
                value={values[f.name] ?? ''}
                onChange={set(f.name)}
              />
              {f.suggestions && (
                <datalist id={`${id}-${f.name}-list`}>
                  {f.suggestions.map((s) => (
                    <option key={s} value={s} />
                  ))}
                </datalist>
              )}
            </>
          )
        }
      </FormField>
    );
  };

  return (
    <form className="form life-event-form" noValidate onSubmit={onSubmit} aria-busy={submitting} aria-label={title} data-testid={testId}>
      {spec.intro && <p className="form__note">{rt(spec.intro)}</p>}
      <ErrorSummary title={summary.length ? rt('birth.fixFields', { n: summary.length }) : rt('life.failed')} items={summary} detail={detail} alertRef={alertRef} testId={`${testId}-errors`} />
      {canRetrySame && <p className="notice">{rt('life.retrySafe')}</p>}
      {spec.fields.map(control)}
      <FormField id={`${id}-legalBasis`} label={rt('life.legalBasis')} hint={rt(spec.legalBasisHint)} error={fieldError('legalBasis')}>
        {(p) => <input {...p} ref={ref('legalBasis')} name="legalBasis" type="text" autoComplete="off" maxLength={300} value={values.legalBasis ?? ''} onChange={set('legalBasis')} />}
      </FormField>
      <FormField id={`${id}-reason`} label={rt('life.reason')} optional error={fieldError('reason')}>
        {(p) => <textarea {...p} ref={ref('reason')} name="reason" rows={2} maxLength={1000} value={values.reason ?? ''} onChange={set('reason')} />}
      </FormField>
      <p className="form__note">{rt('birth.auditNote')}</p>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={submitting}>
          {submitting ? rt('birth.submitting') : rt(spec.submitLabel)}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel} disabled={submitting}>
          {rt('corrForm.cancel')}
        </button>
      </div>
    </form>
  );
}

/**
 * A panel of events (the person page's life events, the household page's changes): a menu of
 * buttons, each opening its form in the shell above. The opened form is announced by its heading;
 * cancelling goes back to the menu with the focus on its first button.
 */
export function EventMenuSection<E extends string>({ id, heading, intro, none, events, titleOf, specOf, formTestId, onDone, extra }: {
  id: string;
  heading: string;
  intro: string;
  none: string;
  events: readonly E[];
  titleOf(e: E): string;
  specOf(e: E): EventSpec<unknown>;
  formTestId(e: E): string;
  onDone(e: E, result: unknown): void;
  /** More entries at the end of the menu (a link elsewhere). */
  extra?: ReactNode;
}) {
  const [open, setOpen] = useState<E | null>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const formHeadingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (open) formHeadingRef.current?.focus();
  }, [open]);
  const titleId = `${id}-title`;
  return (
    <section className="panel life-events" aria-labelledby={titleId} data-testid={id}>
      <h2 id={titleId}>{heading}</h2>
      {open ? (
        <>
          <h3 tabIndex={-1} ref={formHeadingRef}>
            {titleOf(open)}
          </h3>
          <LifeEventForm
            key={open}
            spec={specOf(open)}
            title={titleOf(open)}
            testId={formTestId(open)}
            onCancel={() => {
              setOpen(null);
              setTimeout(() => menuRef.current?.querySelector('button')?.focus(), 0);
            }}
            onDone={(result) => onDone(open, result)}
          />
        </>
      ) : events.length ? (
        <>
          <p>{intro}</p>
          <div className="life-events__menu" role="group" aria-labelledby={titleId} ref={menuRef}>
            {events.map((e) => (
              <button key={e} type="button" className="button button--secondary" onClick={() => setOpen(e)}>
                {titleOf(e)}
              </button>
            ))}
            {extra}
          </div>
        </>
      ) : (
        <p>{none}</p>
      )}
    </section>
  );
}
