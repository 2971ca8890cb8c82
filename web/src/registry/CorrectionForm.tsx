import { useId, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { ErrorSummary, FormField, type SummaryItem } from './fields.tsx';
import { sentence } from './format.ts';
import { SubmissionAttempt } from './idempotency.ts';
import { useEthnicGroups } from './reference.ts';
import { requestCorrection } from './registry.api.ts';
import type { CorrectionChanges, PersonRecord } from './registry.types.ts';
import { useText } from './text.ts';

type Field = 'fullName' | 'otherNames' | 'birthDate' | 'ethnicityCode' | 'religion' | 'nationality' | 'reason' | 'legalBasis';
const ORDER: readonly Field[] = ['fullName', 'otherNames', 'birthDate', 'ethnicityCode', 'religion', 'nationality', 'reason', 'legalBasis'];

/**
 * A registrar's request to correct a person's data: only the fields that change, a reason and a
 * legal basis. It waits for a supervisor other than the requester (four eyes).
 */
export function CorrectionSection({ idNumber, record }: { idNumber: string; record: PersonRecord }) {
  const { rt } = useText();
  const [open, setOpen] = useState(false);
  const [sent, setSent] = useState<number | null>(null);
  const openRef = useRef<HTMLButtonElement>(null);

  return (
    <section className="panel correction" aria-labelledby="correction-title" data-testid="correction">
      <h2 id="correction-title">{rt('corrForm.title')}</h2>
      <p role="status" data-testid="correction-sent" className={sent ? 'notice' : 'visually-hidden'}>
        {sent ? rt('corrForm.sent', { id: sent }) : ''}
      </p>
      {!open && (
        <button
          ref={openRef}
          type="button"
          className="button button--secondary"
          aria-expanded="false"
          onClick={() => {
            setSent(null);
            setOpen(true);
          }}
        >
          {rt('corrForm.open')}
        </button>
      )}
      {open && (
        <CorrectionForm
          idNumber={idNumber}
          record={record}
          onCancel={() => {
            setOpen(false);
            setTimeout(() => openRef.current?.focus(), 0);
          }}
          onSent={(n) => {
            setSent(n);
            setOpen(false);
            setTimeout(() => openRef.current?.focus(), 0);
          }}
        />
      )}
    </section>
  );
}

function CorrectionForm({ idNumber, record, onCancel, onSent }: { idNumber: string; record: PersonRecord; onCancel(): void; onSent(id: number): void }) {
  const { rt, t, lang } = useText();
  const id = useId();
  const ethnic = useEthnicGroups();
  const [v, setV] = useState<Record<Field, string>>({ fullName: '', otherNames: '', birthDate: '', ethnicityCode: '', religion: '', nationality: '', reason: '', legalBasis: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [detail, setDetail] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const attempt = useRef(new SubmissionAttempt());
  const alertRef = useRef<HTMLDivElement>(null);
  const set = (f: Field) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setV((o) => ({ ...o, [f]: value }));
  };
  const fid = (f: Field) => `${id}-${f}`;
  const labels: Record<Field, string> = {
    fullName: rt('corrForm.fullName'),
    otherNames: rt('corrForm.otherNames'),
    birthDate: rt('corrForm.birthDate'),
    ethnicityCode: rt('corrForm.ethnicity'),
    religion: rt('corrForm.religion'),
    nationality: rt('corrForm.nationality'),
    reason: rt('corrForm.reason'),
    legalBasis: rt('corrForm.legalBasis'),
  };

  function changes(): CorrectionChanges {
    const c: CorrectionChanges = {};
    const name = v.fullName.trim().replace(/\s+/g, ' ');
    if (name && name !== record.fullName) c.fullName = name;
    const others = v.otherNames.split(',').map((s) => s.trim()).filter(Boolean);
    if (others.length && others.join('|') !== (record.otherNames ?? []).join('|')) c.otherNames = others;
    const bd = v.birthDate.trim();
    if (bd && bd !== record.birthDate) c.birthDate = bd;
    if (v.ethnicityCode && v.ethnicityCode !== record.ethnicity) c.ethnicityCode = v.ethnicityCode;
    const rel = v.religion.trim();
    if (rel && rel !== record.religion) c.religion = rel;
    const nat = v.nationality.trim().toUpperCase();
    if (nat && nat !== record.nationality) c.nationality = nat;
    return c;
  }

  function show(errs: Partial<Record<Field, string>>, d: string | null) {
    setErrors(errs);
    setDetail(d);
    const first = ORDER.find((f) => errs[f]);
    setTimeout(() => (first ? document.getElementById(fid(first))?.focus() : alertRef.current?.focus()), 0);
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const errs: Partial<Record<Field, string>> = {};
    if (v.birthDate.trim() && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(v.birthDate.trim())) errs.birthDate = rt('corrForm.birthDateFormat');
    if (v.nationality.trim() && !/^[A-Za-z]{3}$/.test(v.nationality.trim())) errs.nationality = rt('corrForm.nationalityFormat');
    if (!v.reason.trim()) errs.reason = rt('corrForm.reasonRequired');
    if (!v.legalBasis.trim()) errs.legalBasis = rt('corrForm.legalBasisRequired');
    const c = changes();
    if (!Object.keys(errs).length && !Object.keys(c).length) errs.fullName = rt('corrForm.nothing');
    if (Object.keys(errs).length) return show(errs, null);

    const body = { legalBasis: v.legalBasis.trim(), reason: v.reason.trim(), changes: c };
    setSubmitting(true);
    setErrors({});
    setDetail(null);
    try {
      const r = await requestCorrection(idNumber, body, attempt.current.keyFor(body));
      attempt.current.reset();
      onSent(r.correctionId);
    } catch (err) {
      setSubmitting(false);
      const fieldErrs: Partial<Record<Field, string>> = {};
      if (err instanceof ApiError)
        for (const fe of err.fieldErrors) {
          const f = fe.field.replace(/^changes\./, '').split('.')[0] as Field;
          if (ORDER.includes(f)) fieldErrs[f] = fe.messages?.[lang] ?? fe.message;
        }
      show(fieldErrs, Object.keys(fieldErrs).length ? null : sentence(errorText(err, lang, t)));
    }
  }

  const items: SummaryItem[] = ORDER.filter((f) => errors[f]).map((f) => ({ id: fid(f), label: labels[f], message: errors[f]! }));
  const field = (f: Exclude<Field, 'ethnicityCode' | 'reason'>, opts: { hint?: string; optional?: boolean; maxLength: number; autoComplete?: string }) => (
    <FormField id={fid(f)} label={labels[f]} hint={opts.hint} optional={opts.optional} error={errors[f]}>
      {(p) => <input {...p} name={f} type="text" maxLength={opts.maxLength} autoComplete="off" value={v[f]} onChange={set(f)} />}
    </FormField>
  );

  return (
    <form className="form correction-form" noValidate onSubmit={submit} aria-label={rt('corrForm.title')} data-testid="correction-form">
      <p className="form__note">{rt('corrForm.intro')}</p>
      <ErrorSummary title={items.length ? rt('corrForm.fixFields', { n: items.length }) : rt('corrForm.failed')} items={items} detail={detail} alertRef={alertRef} testId="correction-errors" />
      {field('fullName', { optional: true, maxLength: 200 })}
      {field('otherNames', { optional: true, hint: rt('corrForm.otherNamesHint'), maxLength: 1000 })}
      {field('birthDate', { optional: true, hint: rt('corrForm.birthDateHint'), maxLength: 10 })}
      <FormField id={fid('ethnicityCode')} label={labels.ethnicityCode} optional error={errors.ethnicityCode}>
        {(p) => (
          <select {...p} name="ethnicityCode" value={v.ethnicityCode} onChange={set('ethnicityCode')}>
            <option value="">{rt('corrForm.unchanged')}</option>
            {ethnic.state === 'ready' &&
              ethnic.value.map((g) => (
                <option key={g.code} value={g.code}>
                  {g.name}
                </option>
              ))}
          </select>
        )}
      </FormField>
      {field('religion', { optional: true, maxLength: 100 })}
      {field('nationality', { optional: true, maxLength: 3 })}
      <FormField id={fid('reason')} label={labels.reason} error={errors.reason}>
        {(p) => <textarea {...p} name="reason" rows={3} maxLength={1000} value={v.reason} onChange={set('reason')} />}
      </FormField>
      {field('legalBasis', { hint: rt('birth.legalBasisHint'), maxLength: 300 })}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={submitting}>
          {submitting ? rt('corrForm.submitting') : rt('corrForm.submit')}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel} disabled={submitting}>
          {rt('corrForm.cancel')}
        </button>
      </div>
    </form>
  );
}
