import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/problem.ts';
import { errorText } from '../api/error-text.ts';
import { usePageTitle } from '../app/page.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { useSession, type SignedOutNotice } from './session.tsx';

type Field = 'username' | 'password';
const FIELDS: readonly Field[] = ['username', 'password'];

type RequiredKey = Extract<MessageKey, `signIn.${string}Required`>;

const noticeKeys: Record<SignedOutNotice, Extract<MessageKey, `signIn.${string}`>> = {
  sessionExpired: 'signIn.sessionExpired',
  signedOut: 'signIn.signedOut',
};

/**
 * Officer sign-in. What was typed stays when the server refuses it; errors are announced in a
 * live region, shown next to their fields, and focus moves to the first field to fix.
 */
export function SignInPage({ notice }: { notice: SignedOutNotice | null }) {
  const { t, lang } = useI18n();
  const { signIn } = useSession();
  const id = useId();
  const [values, setValues] = useState<Record<Field, string>>({ username: '', password: '' });
  const [missing, setMissing] = useState<Partial<Record<Field, RequiredKey>>>({});
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const inputs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});
  const alertRef = useRef<HTMLDivElement>(null);
  const focusNext = useRef<Field | 'alert' | null>(null);
  const headingRef = usePageTitle(t('signIn.title'), { focusOnMount: notice !== null });

  // Focus moves after the render that shows the errors, so the field is read with its message.
  useEffect(() => {
    const target = focusNext.current;
    if (!target) return;
    focusNext.current = null;
    if (target === 'alert') {
      alertRef.current?.focus();
      return;
    }
    const el = inputs.current[target];
    el?.focus();
    if (target === 'password') el?.select();
  });

  const apiError = error instanceof ApiError ? error : null;
  const fieldError = (f: Field): string | null => {
    const key = missing[f];
    if (key) return t(key);
    return apiError?.fieldMessage(f, lang) ?? null;
  };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (submitting) return;
    const nowMissing: Partial<Record<Field, RequiredKey>> = {};
    if (!values.username.trim()) nowMissing.username = 'signIn.usernameRequired';
    if (!values.password) nowMissing.password = 'signIn.passwordRequired';
    setMissing(nowMissing);
    const firstMissing = FIELDS.find((f) => nowMissing[f]);
    if (firstMissing) {
      setError(null);
      focusNext.current = firstMissing;
      return;
    }
    setError(null);
    setSubmitting(true);
    try {
      await signIn(values.username.trim(), values.password);
      // The signed-in shell replaces this page and takes the focus.
    } catch (err) {
      setError(err);
      setSubmitting(false);
      const invalid = err instanceof ApiError ? FIELDS.find((f) => err.fieldErrors.some((fe) => fe.field === f)) : undefined;
      if (invalid) focusNext.current = invalid;
      else if (err instanceof ApiError && err.code === 'AUTH_INVALID_CREDENTIALS') focusNext.current = 'password';
      else focusNext.current = 'alert';
    }
  }

  const set = (f: Field) => (e: { currentTarget: HTMLInputElement }) => {
    const v = e.currentTarget.value;
    setValues((old) => ({ ...old, [f]: v }));
    if (missing[f]) setMissing((old) => ({ ...old, [f]: undefined }));
  };

  const field = (f: Field, label: string, type: string, autoComplete: string) => {
    const msg = fieldError(f);
    const errId = `${id}-${f}-error`;
    return (
      <div className={msg ? 'field field--invalid' : 'field'}>
        <label htmlFor={`${id}-${f}`}>{label}</label>
        {msg && (
          <p className="field__error" id={errId}>
            {msg}
          </p>
        )}
        <input
          ref={(el) => {
            inputs.current[f] = el;
          }}
          id={`${id}-${f}`}
          name={f}
          type={type}
          autoComplete={autoComplete}
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          required
          aria-invalid={msg ? true : undefined}
          aria-describedby={msg ? errId : undefined}
          value={values[f]}
          onChange={set(f)}
        />
      </div>
    );
  };

  return (
    <div className="signin">
      <h1 ref={headingRef} tabIndex={-1}>
        {t('signIn.title')}
      </h1>
      <p className="signin__intro">{t('signIn.intro')}</p>
      <div role="status" className={notice && !error ? 'notice' : 'visually-hidden'}>
        {notice && !error ? t(noticeKeys[notice]) : ''}
      </div>
      <div ref={alertRef} tabIndex={-1} role="alert" aria-atomic="true" className={error ? 'alert' : 'visually-hidden'} data-testid="signin-error">
        {error ? (
          <>
            <p className="alert__title">{t('signIn.errorHeading')}</p>
            <p>{errorText(error, lang, t)}</p>
          </>
        ) : null}
      </div>
      <form className="form" noValidate onSubmit={onSubmit} aria-busy={submitting}>
        {field('username', t('signIn.username'), 'text', 'username')}
        {field('password', t('signIn.password'), 'password', 'current-password')}
        <button type="submit" className="button button--primary" disabled={submitting}>
          {submitting ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
    </div>
  );
}
