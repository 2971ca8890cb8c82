import type { ReactNode, RefObject } from 'react';
import { sentence } from './format.ts';
import { useText } from './text.ts';

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
  const { ct } = useText();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  const p: ControlProps = { id };
  if (error) p['aria-invalid'] = true;
  if (described) p['aria-describedby'] = described;
  return (
    <div className={['field', error ? 'field--invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label htmlFor={id}>
        {label}
        {optional && <span className="field__optional"> {ct('form.optional')}</span>}
      </label>
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`}>
          <span className="visually-hidden">{ct('form.errorPrefix')} </span>
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
 * Errors of a form above it, in a live region: links to the fields to fix, or one message when
 * the error belongs to no field. Always rendered, so the announcement is heard.
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

/** A term and its value; an empty value shows "—" and is read as "not recorded". */
export function Fact({ term, children, testId }: { term: string; children: ReactNode; testId?: string }) {
  const { ct } = useText();
  const empty = children === null || children === undefined || children === '' || children === false;
  return (
    <div>
      <dt>{term}</dt>
      <dd data-testid={testId}>
        {empty ? (
          <>
            <span aria-hidden="true">—</span>
            <span className="visually-hidden">{ct('value.none')}</span>
          </>
        ) : (
          children
        )}
      </dd>
    </div>
  );
}
