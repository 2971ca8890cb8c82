import { useEffect, useState, type Ref } from 'react';
import type { DT } from './text.ts';
import { sentence } from '../ui/fields.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../app/router.tsx';

export * from '../ui/fields.tsx';

export interface Choice<V extends string> {
  value: V;
  label: string;
}

/**
 * Radio buttons or checkboxes in a fieldset: the legend names the group, the error sits under it
 * and is tied to the group; the first option takes the group's id so an error summary link or a
 * focus move lands on it.
 */
export function ChoiceGroup<V extends string>({ id, legend, hint, error, type, name, options, selected, onChange, firstRef, testId }: {
  id: string;
  legend: string;
  hint?: string;
  error?: string | null;
  type: 'radio' | 'checkbox';
  name: string;
  options: readonly Choice<V>[];
  selected: readonly V[];
  onChange(next: V[]): void;
  firstRef?: Ref<HTMLInputElement>;
  testId?: string;
}) {
  const { t } = useI18n();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className={error ? 'field field--invalid choice' : 'field choice'} aria-describedby={described} data-testid={testId}>
      <legend>{legend}</legend>
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
      <div className="choice__options choice__options--stacked">
        {options.map((o, i) => (
          <label key={o.value} className="choice__option">
            <input
              type={type}
              name={name}
              value={o.value}
              id={i === 0 ? id : undefined}
              ref={i === 0 ? firstRef : undefined}
              checked={selected.includes(o.value)}
              aria-invalid={error ? true : undefined}
              onChange={(e) => {
                if (type === 'radio') onChange([o.value]);
                else onChange(e.currentTarget.checked ? [...selected, o.value] : selected.filter((v) => v !== o.value));
              }}
            />
            {o.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * One message shown once on the next page (after a save, on the list it returns to), kept as a
 * function of the texts so that it follows a language switch.
 */
let flash: ((dt: DT) => string) | null = null;
export function setFlash(message: (dt: DT) => string): void {
  flash = message;
}
/** The waiting message, if any; it is gone after the page that shows it has mounted. */
export function useFlash(): ((dt: DT) => string) | null {
  const [m] = useState(() => flash);
  useEffect(() => {
    flash = null;
  }, []);
  return m;
}

/** A form's send button (saying so while it is sent) and the way back without sending. */
export function FormActions({ submitting, label, busyLabel, cancel, disabled }: { submitting: boolean; label: string; busyLabel: string; cancel: { to: string; label: string }; disabled?: boolean }) {
  return (
    <div className="form__actions">
      <button type="submit" className="button button--primary" disabled={submitting || disabled}>
        {submitting ? busyLabel : label}
      </button>
      <Link to={cancel.to} className="button button--secondary">
        {cancel.label}
      </Link>
    </div>
  );
}
