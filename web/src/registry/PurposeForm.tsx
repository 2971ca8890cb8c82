import { useId, useRef, useState, type FormEvent } from 'react';
import { FormField } from './fields.tsx';
import { PURPOSE_MAX, PURPOSES, purposeText, type PurposeChoice, type PurposeCode } from './purpose.ts';
import { useText } from './text.ts';

/**
 * Asks why the full record is read before reading it: a common purpose, details optional
 * (required for "other"). The chosen purpose goes to the audit log with the read.
 */
export function PurposeForm({ initial, onSubmit, serverError }: { initial: PurposeChoice | null; onSubmit(c: PurposeChoice): void; serverError?: string | null }) {
  const { rt } = useText();
  const id = useId();
  const [code, setCode] = useState<PurposeCode | ''>(initial?.code ?? '');
  const [detail, setDetail] = useState(initial?.detail ?? '');
  const [error, setError] = useState<{ field: 'code' | 'detail'; message: string } | null>(null);
  const codeRef = useRef<HTMLSelectElement>(null);
  const detailRef = useRef<HTMLInputElement>(null);

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!code) {
      setError({ field: 'code', message: rt('purpose.chooseRequired') });
      codeRef.current?.focus();
      return;
    }
    const choice = { code, detail };
    if (!purposeText(choice)) {
      setError({ field: 'detail', message: rt('purpose.detailRequired') });
      detailRef.current?.focus();
      return;
    }
    setError(null);
    onSubmit(choice);
  }

  const codeError = error?.field === 'code' ? error.message : (serverError ?? null);
  return (
    <form className="form panel purpose-form" noValidate onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="purpose-form">
      <h2 id={`${id}-title`}>{rt('purpose.title')}</h2>
      <p className="form__note">{rt('purpose.intro')}</p>
      <FormField id={`${id}-code`} label={rt('purpose.label')} error={codeError}>
        {(p) => (
          <select {...p} ref={codeRef} name="purpose" value={code} onChange={(e) => setCode(e.currentTarget.value as PurposeCode | '')}>
            <option value="">{rt('purpose.choose')}</option>
            {PURPOSES.map((c) => (
              <option key={c} value={c}>
                {rt(`purpose.${c}`)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField id={`${id}-detail`} label={code === 'other' ? rt('purpose.detailOther') : rt('purpose.detail')} hint={rt('purpose.detailHint')} optional={code !== 'other'} error={error?.field === 'detail' ? error.message : null}>
        {(p) => <input {...p} ref={detailRef} name="purposeDetail" type="text" maxLength={PURPOSE_MAX - 60} autoComplete="off" value={detail} onChange={(e) => setDetail(e.currentTarget.value)} />}
      </FormField>
      <button type="submit" className="button button--primary">
        {rt('purpose.submit')}
      </button>
    </form>
  );
}
