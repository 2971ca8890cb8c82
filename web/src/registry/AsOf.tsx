import { useId, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { FormField } from './fields.tsx';
import { formatPartialDate, sentence, todayInVietnam } from './format.ts';
import { PersonRecordView } from './PersonRecord.tsx';
import { readAsOf } from './registry.api.ts';
import type { AsOfResult } from './registry.types.ts';
import { useText } from './text.ts';

type State = { kind: 'idle' } | { kind: 'loading' } | { kind: 'ready'; result: AsOfResult } | { kind: 'error'; error: unknown; date: string };

/** The record as it stood at the end of a past day (Vietnam time), read with the page's purpose. */
export function AsOfSection({ idNumber, purpose }: { idNumber: string; purpose: string }) {
  const { rt, t, lang } = useText();
  const id = useId();
  const [date, setDate] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [state, setState] = useState<State>({ kind: 'idle' });
  const inputRef = useRef<HTMLInputElement>(null);
  const today = todayInVietnam();

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      setInvalid(rt('asOf.dateRequired'));
      inputRef.current?.focus();
      return;
    }
    if (date > today) {
      setInvalid(rt('asOf.future'));
      inputRef.current?.focus();
      return;
    }
    setInvalid(null);
    setState({ kind: 'loading' });
    readAsOf(idNumber, date, purpose).then(
      (result) => setState({ kind: 'ready', result }),
      (error: unknown) => setState({ kind: 'error', error, date }),
    );
  }

  const errorMessage =
    state.kind === 'error'
      ? state.error instanceof ApiError && state.error.code === 'REGISTRY_PERSON_NOT_FOUND'
        ? rt('asOf.notYet', { date: formatPartialDate(state.date) })
        : sentence(errorText(state.error, lang, t))
      : null;

  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{rt('asOf.title')}</h2>
      <p>{rt('asOf.intro')}</p>
      <form className="form form--inline" noValidate onSubmit={submit}>
        <FormField id={`${id}-date`} label={rt('asOf.date')} error={invalid}>
          {(p) => <input {...p} ref={inputRef} name="asOfDate" type="date" max={today} min="1850-01-01" value={date} onChange={(e) => setDate(e.currentTarget.value)} />}
        </FormField>
        <button type="submit" className="button button--secondary" disabled={state.kind === 'loading'}>
          {rt('asOf.submit')}
        </button>
      </form>
      <p role="status" className="results__status">
        {state.kind === 'loading' ? rt('asOf.loading') : state.kind === 'ready' ? rt('asOf.shown', { date: formatPartialDate(state.result.asOf), n: state.result.eventsUndone }) : ''}
      </p>
      <div role="alert" className={errorMessage ? 'alert' : 'visually-hidden'}>
        {errorMessage}
      </div>
      {state.kind === 'ready' && (
        <div className="as-of" data-testid="as-of">
          <PersonRecordView record={state.result.record} level={3} idPrefix={`${id}-rec`} />
        </div>
      )}
    </section>
  );
}
