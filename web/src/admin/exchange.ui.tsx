import { useLayoutEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { formatNumber, vnParts } from '../ui/format.ts';
import { FormField, sentence } from './fields.tsx';
import type { Grant } from './exchange.api.ts';
import { useText, type DT } from './text.ts';

/** Today in Vietnam as yyyy-mm-dd (grant validity dates are Vietnamese calendar days). */
export function todayVn(now = new Date()): string {
  const p = vnParts(now);
  return `${p.year}-${p.month}-${p.day}`;
}

export type GrantState = 'revoked' | 'future' | 'expired' | 'current';

export function grantState(g: Pick<Grant, 'revokedAt' | 'validFrom' | 'validUntil'>, today = todayVn()): GrantState {
  if (g.revokedAt) return 'revoked';
  if (today < g.validFrom) return 'future';
  if (today > g.validUntil) return 'expired';
  return 'current';
}

export function grantStateText(s: GrantState, dt: DT): string {
  return dt(`x.grantState.${s}`);
}

export const grantStateClass = (s: GrantState) => (s === 'current' ? 'status' : s === 'future' ? 'status status--missing' : 'status status--deceased');

/**
 * A horizontal bar for a number against the largest in its column: drawn with CSS only, hidden
 * from screen readers (the number beside it is what is read).
 */
export function Bar({ value, max, tone }: { value: number; max: number; tone?: 'calls' | 'people' | 'refused' }) {
  const pct = max > 0 ? Math.max(value > 0 ? 2 : 0, Math.round((value / max) * 100)) : 0;
  return (
    <span className={`bar bar--${tone ?? 'calls'}`} aria-hidden="true">
      <span className="bar__fill" style={{ width: `${pct}%` }} />
    </span>
  );
}

/** A number with its bar (in a table cell). */
export function BarCell({ value, max, tone }: { value: number; max: number; tone?: 'calls' | 'people' | 'refused' }) {
  const { lang } = useText();
  return (
    <span className="bar-cell">
      <span className="bar-cell__n">{formatNumber(value, lang)}</span>
      <Bar value={value} max={max} tone={tone} />
    </span>
  );
}

/**
 * "Are you sure?" in a panel that takes the focus, optionally with a reason the officer must give.
 * An error from the server is shown in it (next to the reason when it names that field), and
 * what was typed stays.
 */
export function ConfirmPanel({ question, confirmLabel, busyLabel, cancelLabel, reason, danger, onConfirm, onCancel, testId, children }: {
  question: string;
  confirmLabel: string;
  busyLabel: string;
  cancelLabel: string;
  /** A required reason: its label and hint. */
  reason?: { label: string; hint?: string };
  danger?: boolean;
  onConfirm(reason: string): Promise<void>;
  onCancel(): void;
  testId?: string;
  children?: ReactNode;
}) {
  const { dt, t, lang } = useText();
  const id = useId();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLParagraphElement>(null);
  const reasonRef = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => ref.current?.focus(), []);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    if (reason && text.trim().length < 3) {
      setFieldError(dt('x.confirm.reasonRequired'));
      setError(null);
      reasonRef.current?.focus();
      return;
    }
    setBusy(true);
    setFieldError(null);
    setError(null);
    try {
      await onConfirm(text.trim().replace(/\s+/g, ' '));
    } catch (err) {
      setBusy(false);
      const fe = err instanceof ApiError ? err.fieldErrors.find((f) => f.field === 'reason') : undefined;
      if (fe && reason) {
        setFieldError(fe.messages?.[lang] ?? fe.message);
        reasonRef.current?.focus();
      } else {
        setError(sentence(errorText(err, lang, t)));
        ref.current?.focus();
      }
    }
  }

  return (
    <form className="panel panel--warning form x-confirm" noValidate onSubmit={submit} data-testid={testId}>
      <p ref={ref} tabIndex={-1} className="x-confirm__question">
        {question}
      </p>
      {children}
      <div role="alert" className={error ? 'alert' : 'visually-hidden'}>
        {error ? (
          <>
            <p className="alert__title">{dt('x.actionFailed')}</p>
            <p>{error}</p>
          </>
        ) : null}
      </div>
      {reason && (
        <FormField id={`${id}-reason`} label={reason.label} hint={reason.hint} error={fieldError}>
          {(p) => <input {...p} ref={reasonRef} name="reason" type="text" autoComplete="off" maxLength={500} value={text} onChange={(e) => (setText(e.currentTarget.value), fieldError && setFieldError(null))} />}
        </FormField>
      )}
      <div className="form__actions">
        <button type="submit" className={danger ? 'button button--danger' : 'button button--primary'} disabled={busy}>
          {busy ? busyLabel : confirmLabel}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel} disabled={busy}>
          {cancelLabel}
        </button>
      </div>
    </form>
  );
}
