import type { ReactNode, RefObject } from 'react';
import { useI18n } from '../i18n/index.ts';

/** Server field messages are sometimes fragments: start with a capital. */
export function sentence(s: string): string {
  return s ? s.charAt(0).toLocaleUpperCase('vi') + s.slice(1) : s;
}

export interface ControlProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/**
 * A labelled control with its hint and error: the error sits between label and control and is
 * tied to the control with aria-describedby, so it is read when the control takes focus.
 */
export function FormField({ id, label, hint, error, optional, className, children }: { id: string; label: string; hint?: string; error?: string | null; optional?: boolean; className?: string; children: (p: ControlProps) => ReactNode }) {
  const { t } = useI18n();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  const p: ControlProps = { id };
  if (error) p['aria-invalid'] = true;
  if (described) p['aria-describedby'] = described;
  return (
    <div className={['field', error ? 'field--invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label htmlFor={id}>
        {label}
        {optional && <span className="field__optional"> {t('form.optional')}</span>}
      </label>
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`}>
          <span className="visually-hidden">{t('form.errorPrefix')} </span>
          {sentence(error)}
        </p>
      )}
      {children(p)}
    </div>
  );
}

export interface SummaryItem {
  /** The id of the control to focus. */
  id: string;
  label: string;
  message: string;
}

/**
 * Errors of a form above it, in a live region: a list of links to the fields to fix, or one
 * message when the error belongs to no field. Always rendered, so the announcement is heard.
 */
export function ErrorSummary({ title, items, detail, alertRef, testId }: { title: string; items: readonly SummaryItem[]; detail: string | null; alertRef?: RefObject<HTMLDivElement | null>; testId?: string }) {
  const shown = items.length > 0 || !!detail;
  return (
    <div ref={alertRef} tabIndex={-1} role="alert" aria-atomic="true" className={shown ? 'alert' : 'visually-hidden'} data-testid={testId}>
      {shown && (
        <>
          <p className="alert__title">{title}</p>
          {items.length > 0 ? (
            <ul className="alert__list">
              {items.map((i) => (
                <li key={i.id}>
                  <a
                    href={`#${i.id}`}
                    onClick={(e) => {
                      e.preventDefault();
                      document.getElementById(i.id)?.focus();
                    }}
                  >
                    {i.label}: {sentence(i.message)}
                  </a>
                </li>
              ))}
            </ul>
          ) : (
            <p>{detail}</p>
          )}
        </>
      )}
    </div>
  );
}

/** A term and its value in a fact list; an empty value shows "—" and is read as "not recorded". */
export function Fact({ term, children, testId }: { term: string; children: ReactNode; testId?: string }) {
  const { t } = useI18n();
  const empty = children === null || children === undefined || children === '' || children === false;
  return (
    <div>
      <dt>{term}</dt>
      <dd data-testid={testId}>
        {empty ? (
          <>
            <span aria-hidden="true">—</span>
            <span className="visually-hidden">{t('value.none')}</span>
          </>
        ) : (
          children
        )}
      </dd>
    </div>
  );
}

/** A list's filter: a labelled select whose first option, "any", is the empty value. */
export function FilterSelect<V extends string>({ id, name, label, any, options, value, onChange }: { id: string; name: string; label: string; any: string; options: ReadonlyArray<{ value: V; label: string }>; value: NoInfer<V> | ''; onChange(v: NoInfer<V> | ''): void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} value={value} onChange={(e) => onChange(e.currentTarget.value as V | '')}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
