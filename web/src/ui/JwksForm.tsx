import { useId, useLayoutEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { useI18n } from '../i18n/index.ts';
import { FormField } from './fields.tsx';

type Jwks = { keys: Array<Record<string, unknown>> };

export interface JwksTexts {
  title: string;
  label: string;
  hint: string;
  save: string;
  saving: string;
  cancel: string;
  /** The label of an optional file to read the JWKS from, and what to say when it cannot be read. */
  file?: { label: string; unreadable(name: string): string };
}

/**
 * Paste (or read from a file) a new JWKS: checked in the page first (`check`), then by the server.
 * What was pasted stays when either refuses it, with the reason next to the box, which keeps the
 * focus. Used by the admin (OpenID clients, exchange systems) and by the partner console.
 */
export function JwksForm<J extends Jwks>({ initial, heading: Heading = 'h3', texts, className, check, onSave, onCancel }: {
  initial: J | null;
  heading?: 'h3' | 'h4';
  texts: JwksTexts;
  className: string;
  check(text: string): { ok: true; jwks: J } | { ok: false; message: string };
  onSave(jwks: J): Promise<void>;
  onCancel(): void;
}) {
  const { t, lang } = useI18n();
  const id = useId();
  const [text, setText] = useState(() => (initial?.keys.length ? JSON.stringify(initial, null, 2) : ''));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  useLayoutEffect(() => inputRef.current?.focus(), []);

  async function readFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.currentTarget.files?.[0];
    if (!file) return;
    try {
      setText(await file.text());
      setError(null);
    } catch {
      setError(texts.file!.unreadable(file.name));
    }
    inputRef.current?.focus();
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const parsed = check(text);
    if (!parsed.ok) {
      setError(parsed.message);
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSave(parsed.jwks);
    } catch (err) {
      setBusy(false);
      setError(errorText(err, lang, t));
      inputRef.current?.focus();
    }
  }

  return (
    <form className={`form ${className}`} noValidate onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="keys-form">
      <Heading id={`${id}-title`}>{texts.title}</Heading>
      <FormField id={`${id}-jwks`} label={texts.label} hint={texts.hint} error={error}>
        {(p) => <textarea {...p} ref={inputRef} name="jwks" rows={8} spellCheck={false} autoComplete="off" className="code-input" value={text} onChange={(e) => setText(e.currentTarget.value)} />}
      </FormField>
      {texts.file && (
        <FormField id={`${id}-file`} label={texts.file.label} optional>
          {(p) => <input {...p} name="jwksFile" type="file" accept=".json,.jwks,application/json" onChange={readFile} />}
        </FormField>
      )}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? texts.saving : texts.save}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel} disabled={busy}>
          {texts.cancel}
        </button>
      </div>
    </form>
  );
}
