import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { SubmissionAttempt } from '../registry/idempotency.ts';
import { issueCard } from './cards.api.ts';
import type { IssueKind, IssueRequest, IssueResult } from './cards.types.ts';
import { ErrorSummary, FormField, type SummaryItem } from './fields.tsx';
import { kindText, sentence } from './format.ts';
import { useText, type PlainKey } from './text.ts';

/**
 * The legal basis offered for each kind (editable). Law 26/2023 on identity: Art. 24 lists the
 * cases of renewal and re-issue (as DOMAIN.md §3 cites it); the article for a first issue is left
 * to the officer (unverified which one issuing offices cite).
 */
export const DEFAULT_LEGAL_BASIS: Record<IssueKind, string> = {
  first_issue: 'Luật Căn cước 2023',
  renewal: 'Luật Căn cước 2023, Điều 24',
  reissue: 'Luật Căn cước 2023, Điều 24',
};

interface Values {
  kind: IssueKind | '';
  legalBasis: string;
  reason: string;
}
type Field = keyof Values;
const FIELDS: readonly Field[] = ['kind', 'legalBasis', 'reason'];
const LABELS: Record<Field, PlainKey> = { kind: 'issue.kind', legalBasis: 'issue.legalBasis', reason: 'issue.reason' };

const clean = (s: string) => s.trim().replace(/\s+/g, ' ');

/**
 * Issue a card: the kinds the latest card allows, the legal basis and a reason. Errors found here
 * or by the server are shown next to their fields, and focus goes to the first; each submission
 * carries an Idempotency-Key, the same one when the same form is sent again after a lost answer.
 */
export function IssueForm({ idNumber, allowed, onIssued }: { idNumber: string; allowed: readonly IssueKind[]; onIssued(r: IssueResult): void }) {
  const { ct, t, lang } = useText();
  const id = useId();
  const only = allowed.length === 1 ? allowed[0]! : '';
  const [values, setValues] = useState<Values>({ kind: only, legalBasis: only ? DEFAULT_LEGAL_BASIS[only] : '', reason: '' });
  const [invalid, setInvalid] = useState<Partial<Record<Field, PlainKey>>>({});
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const attempt = useRef(new SubmissionAttempt());
  const controls = useRef<Partial<Record<Field, HTMLElement | null>>>({});
  const alertRef = useRef<HTMLDivElement>(null);
  const focusNext = useRef<Field | 'alert' | null>(null);

  useEffect(() => {
    const target = focusNext.current;
    if (!target) return;
    focusNext.current = null;
    if (target === 'alert') alertRef.current?.focus();
    else controls.current[target]?.focus();
  });

  const apiError = error instanceof ApiError ? error : null;
  const serverMessage = (f: Field): string | null => {
    for (const fe of apiError?.fieldErrors ?? []) if (fe.field === f) return fe.messages?.[lang] ?? fe.message;
    return null;
  };
  const fieldError = (f: Field): string | null => (invalid[f] ? ct(invalid[f]!) : serverMessage(f));
  const summary: SummaryItem[] = FIELDS.flatMap((f) => {
    const m = fieldError(f);
    return m ? [{ id: `${id}-${f}`, label: ct(LABELS[f]), message: m }] : [];
  });
  const unmapped = apiError ? apiError.fieldErrors.filter((fe) => !(FIELDS as readonly string[]).includes(fe.field)) : [];
  const detail = summary.length ? null : error ? [sentence(errorText(error, lang, t)), ...unmapped.map((fe) => `${fe.field}: ${fe.messages?.[lang] ?? fe.message}`)].join(' ') : null;
  const canRetrySame = error instanceof ApiError && (error.kind === 'network' || error.status >= 500);

  const ref = (f: Field) => (el: HTMLElement | null) => {
    controls.current[f] = el;
  };
  const set = (f: Field, v: string) => {
    setValues((old) => {
      const next = { ...old, [f]: v };
      // Choosing a kind offers its usual legal basis, unless the officer already wrote another.
      if (f === 'kind' && (!old.legalBasis || Object.values(DEFAULT_LEGAL_BASIS).includes(old.legalBasis))) next.legalBasis = DEFAULT_LEGAL_BASIS[v as IssueKind];
      return next;
    });
    if (invalid[f]) setInvalid((old) => ({ ...old, [f]: undefined }));
  };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (submitting) return;
    const found: Partial<Record<Field, PlainKey>> = {};
    if (!values.kind) found.kind = 'issue.kindRequired';
    if (!clean(values.legalBasis)) found.legalBasis = 'issue.legalBasisRequired';
    setInvalid(found);
    const first = FIELDS.find((f) => found[f]);
    if (first) {
      setError(null);
      focusNext.current = first;
      return;
    }
    const body: IssueRequest = { kind: values.kind as IssueKind, legalBasis: clean(values.legalBasis) };
    if (clean(values.reason)) body.reason = clean(values.reason);
    const key = attempt.current.keyFor({ idNumber, ...body });
    setError(null);
    setSubmitting(true);
    try {
      const result = await issueCard(idNumber, body, key);
      attempt.current.reset();
      setSubmitting(false);
      onIssued(result);
    } catch (err) {
      setError(err);
      setSubmitting(false);
      focusNext.current = err instanceof ApiError ? (FIELDS.find((f) => err.fieldErrors.some((fe) => fe.field === f)) ?? 'alert') : 'alert';
    }
  }

  return (
    <form className="form issue-form" noValidate onSubmit={onSubmit} aria-busy={submitting} data-testid="issue-form">
      <ErrorSummary title={summary.length ? ct('issue.fixFields', { n: summary.length }) : ct('issue.failed')} items={summary} detail={detail} alertRef={alertRef} testId="issue-errors" />
      {canRetrySame && <p className="notice">{ct('issue.retrySafe')}</p>}
      <fieldset className={fieldError('kind') ? 'field field--invalid choice' : 'field choice'} aria-describedby={fieldError('kind') ? `${id}-kind-error` : undefined}>
        <legend>{ct('issue.kind')}</legend>
        {fieldError('kind') && (
          <p className="field__error" id={`${id}-kind-error`}>
            <span className="visually-hidden">{ct('form.errorPrefix')} </span>
            {sentence(fieldError('kind')!)}
          </p>
        )}
        <div className="choice__options choice__options--stacked">
          {allowed.map((k, i) => (
            <label key={k} className="choice__option">
              <input type="radio" name="kind" value={k} id={i === 0 ? `${id}-kind` : undefined} ref={i === 0 ? ref('kind') : undefined} checked={values.kind === k} aria-invalid={fieldError('kind') ? true : undefined} aria-describedby={`${id}-kind-${k}-hint`} onChange={() => set('kind', k)} />
              <span>
                <strong>{kindText(k, ct)}</strong>
                <span className="choice__hint" id={`${id}-kind-${k}-hint`}>
                  {ct(`kindHint.${k}`)}
                </span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <FormField id={`${id}-legalBasis`} label={ct('issue.legalBasis')} hint={ct('issue.legalBasisHint')} error={fieldError('legalBasis')}>
        {(p) => <input {...p} ref={ref('legalBasis')} name="legalBasis" type="text" autoComplete="off" maxLength={300} value={values.legalBasis} onChange={(e) => set('legalBasis', e.currentTarget.value)} />}
      </FormField>
      <FormField id={`${id}-reason`} label={ct('issue.reason')} hint={ct('issue.reasonHint')} optional error={fieldError('reason')}>
        {(p) => <input {...p} ref={ref('reason')} name="reason" type="text" autoComplete="off" maxLength={1000} value={values.reason} onChange={(e) => set('reason', e.currentTarget.value)} />}
      </FormField>
      <p className="form__note">{ct('issue.auditNote')}</p>
      <button type="submit" className="button button--primary" disabled={submitting}>
        {submitting ? ct('issue.submitting') : ct('issue.submit')}
      </button>
    </form>
  );
}
