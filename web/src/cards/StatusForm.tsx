import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { SubmissionAttempt } from '../registry/idempotency.ts';
import { changeStatus } from './cards.api.ts';
import type { CardView, StatusAction, StatusRequest } from './cards.types.ts';
import { ErrorSummary, FormField, type SummaryItem } from './fields.tsx';
import { sentence } from './format.ts';
import { useText, type PlainKey } from './text.ts';

/** The legal basis offered (editable): Law 26/2023 on identity; the article is left to the officer. */
export const STATUS_LEGAL_BASIS = 'Luật Căn cước 2023';

type Field = 'legalBasis' | 'reason';
const FIELDS: readonly Field[] = ['legalBasis', 'reason'];
const LABELS: Record<Field, PlainKey> = { legalBasis: 'issue.legalBasis', reason: 'issue.reason' };
const clean = (s: string) => s.trim().replace(/\s+/g, ' ');

/**
 * Report a card lost or revoke it: the legal basis and a reason, confirmed by the submit button
 * (a revocation cannot be undone). Focus starts in the form and returns to the caller's button on
 * cancel. Idempotent under a key kept while the form is unchanged.
 */
export function StatusForm({ card, action, onDone, onCancel }: { card: CardView; action: StatusAction; onDone(v: CardView): void; onCancel(): void }) {
  const { ct, t, lang } = useText();
  const id = useId();
  const [values, setValues] = useState<Record<Field, string>>({ legalBasis: STATUS_LEGAL_BASIS, reason: '' });
  const [invalid, setInvalid] = useState<Partial<Record<Field, PlainKey>>>({});
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const attempt = useRef(new SubmissionAttempt());
  const controls = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});
  const alertRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusNext = useRef<Field | 'alert' | null>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  useEffect(() => {
    const target = focusNext.current;
    if (!target) return;
    focusNext.current = null;
    if (target === 'alert') alertRef.current?.focus();
    else controls.current[target]?.focus();
  });

  const apiError = error instanceof ApiError ? error : null;
  const fieldError = (f: Field): string | null => {
    if (invalid[f]) return ct(invalid[f]!);
    const fe = apiError?.fieldErrors.find((x) => x.field === f);
    return fe ? (fe.messages?.[lang] ?? fe.message) : null;
  };
  const summary: SummaryItem[] = FIELDS.flatMap((f) => {
    const m = fieldError(f);
    return m ? [{ id: `${id}-${f}`, label: ct(LABELS[f]), message: m }] : [];
  });
  const detail = summary.length ? null : error ? sentence(errorText(error, lang, t)) : null;

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (submitting) return;
    if (!clean(values.legalBasis)) {
      setInvalid({ legalBasis: 'issue.legalBasisRequired' });
      setError(null);
      focusNext.current = 'legalBasis';
      return;
    }
    setInvalid({});
    const body: StatusRequest = { legalBasis: clean(values.legalBasis) };
    if (clean(values.reason)) body.reason = clean(values.reason);
    const key = attempt.current.keyFor({ card: card.cardNo, action, ...body });
    setError(null);
    setSubmitting(true);
    try {
      const v = await changeStatus(card.idNumber, card.cardNo, action, body, key);
      onDone(v);
    } catch (err) {
      setError(err);
      setSubmitting(false);
      focusNext.current = err instanceof ApiError ? (FIELDS.find((f) => err.fieldErrors.some((fe) => fe.field === f)) ?? 'alert') : 'alert';
    }
  }

  return (
    <form className="form status-form" noValidate onSubmit={onSubmit} aria-busy={submitting} aria-labelledby={`${id}-title`} data-testid={`status-form-${action}`}>
      <h4 id={`${id}-title`} ref={headingRef} tabIndex={-1} className="status-form__title">
        {ct(`status.formTitle.${action}`, { cardNo: card.cardNo })}
      </h4>
      <p className="form__note">{ct(`status.note.${action}`)}</p>
      <ErrorSummary title={ct('status.failed')} items={summary} detail={detail} alertRef={alertRef} />
      <FormField id={`${id}-legalBasis`} label={ct('issue.legalBasis')} hint={ct('issue.legalBasisHint')} error={fieldError('legalBasis')}>
        {(p) => <input {...p} ref={(el) => { controls.current.legalBasis = el; }} name="legalBasis" type="text" autoComplete="off" maxLength={300} value={values.legalBasis} onChange={(e) => { const v = e.currentTarget.value; setValues((o) => ({ ...o, legalBasis: v })); }} />}
      </FormField>
      <FormField id={`${id}-reason`} label={ct('issue.reason')} hint={ct('status.reasonHint')} optional error={fieldError('reason')}>
        {(p) => <input {...p} ref={(el) => { controls.current.reason = el; }} name="reason" type="text" autoComplete="off" maxLength={1000} value={values.reason} onChange={(e) => { const v = e.currentTarget.value; setValues((o) => ({ ...o, reason: v })); }} />}
      </FormField>
      <div className="form__actions">
        <button type="submit" className={action === 'revoke' ? 'button button--danger' : 'button button--primary'} disabled={submitting}>
          {submitting ? ct('status.submitting') : ct(`status.confirm.${action}`)}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel} disabled={submitting}>
          {ct('status.cancel')}
        </button>
      </div>
    </form>
  );
}
