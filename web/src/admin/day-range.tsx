import type { ReactNode } from 'react';
import { useCheckedQuery, type FieldErrors } from '../ui/checked-query.ts';
import { LoadState } from '../ui/load.tsx';
import { todayVn } from './exchange.ui.tsx';
import { ErrorSummary, FormField } from './fields.tsx';
import { useText } from './text.ts';

const DAY = 86_400_000;
const dayNo = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY;

export type DayRange = { from: string; to: string };
type Field = keyof DayRange;
export type RangeErrors = FieldErrors<Field>;

/** Errors of a from/to day range as typed (both required, in order, at most `maxDays` when given). */
export function rangeErrors(r: DayRange, dt: ReturnType<typeof useText>['dt'], maxDays?: number): RangeErrors {
  const errs: RangeErrors = {};
  if (!r.from) errs.from = dt('x.grantForm.dateRequired');
  if (!r.to) errs.to = dt('x.grantForm.dateRequired');
  else if (r.from && r.to < r.from) errs.to = dt('x.usage.toBeforeFrom');
  else if (r.from && maxDays && dayNo(r.to) - dayNo(r.from) + 1 > maxDays) errs.to = dt('x.usage.daily.tooLong', { n: maxDays });
  return errs;
}

const HOUR = 3_600_000;
/** A datetime-local value (yyyy-mm-ddThh:mm) read as Vietnam time, in ms (NaN when not one). */
const vnInstant = (v: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? Date.parse(`${v}:00+07:00`) : NaN);
/** An instant as a datetime-local value in Vietnam time. */
export const vnLocal = (ms: number) => new Date(ms + 7 * HOUR).toISOString().slice(0, 16);

/** Errors of a from/to range of hours as typed: both required, `to` after `from`, at most `maxHours` whole hours. */
export function hourRangeErrors(r: DayRange, dt: ReturnType<typeof useText>['dt'], maxHours: number): RangeErrors {
  const errs: RangeErrors = {};
  const [from, to] = [vnInstant(r.from), vnInstant(r.to)];
  if (Number.isNaN(from)) errs.from = dt('x.usage.hourly.required');
  if (Number.isNaN(to)) errs.to = dt('x.usage.hourly.required');
  else if (!Number.isNaN(from) && to <= from) errs.to = dt('x.usage.hourly.toBeforeFrom');
  else if (!Number.isNaN(from) && Math.ceil(to / HOUR) - Math.floor(from / HOUR) > maxHours) errs.to = dt('x.usage.hourly.tooLong', { n: maxHours });
  return errs;
}

/**
 * The from/to fields of a usage form, each with its error beside it: days, or (`hours`) date and
 * time of day in Vietnam time.
 */
export function DayRangeFields({ id, value, errors, onChange, hours = false }: { id: string; value: DayRange; errors: RangeErrors; onChange(r: DayRange): void; hours?: boolean }) {
  const labels = useRangeLabels(hours);
  const type = hours ? 'datetime-local' : 'date';
  return (
    <>
      <FormField id={`${id}-from`} label={labels.from} error={errors.from}>
        {(p) => <input {...p} name="from" type={type} value={value.from} max={hours ? undefined : todayVn()} onChange={(e) => onChange({ ...value, from: e.currentTarget.value })} />}
      </FormField>
      <FormField id={`${id}-to`} label={labels.to} error={errors.to}>
        {(p) => <input {...p} name="to" type={type} value={value.to} onChange={(e) => onChange({ ...value, to: e.currentTarget.value })} />}
      </FormField>
    </>
  );
}

function useRangeLabels(hours: boolean): Record<Field, string> {
  const { dt } = useText();
  return hours ? { from: dt('x.usage.hourly.from'), to: dt('x.usage.hourly.to') } : { from: dt('x.usage.from'), to: dt('x.usage.to') };
}

const FIELDS: readonly Field[] = ['from', 'to'];

/** A report over a range the admin chooses, in the fields `${id}-from` and `${id}-to` (see useCheckedQuery). */
export function useRangeQuery<Q, T>(id: string, initial: () => Q, get: (q: Q, o: { signal: AbortSignal }) => Promise<T>, hours = false) {
  return useCheckedQuery({ fields: FIELDS, fieldId: (f) => `${id}-${f}`, labels: useRangeLabels(hours), initial, get });
}

/** A usage form: its error summary, the fields (`children`) with the "Show" button, and the load's state under it. */
export function RangeForm({ range, testId, onSubmit, children }: { range: Pick<ReturnType<typeof useRangeQuery>, 'items' | 'alertRef' | 'load' | 'retry'>; testId: string; onSubmit(): void; children: ReactNode }) {
  const { dt } = useText();
  return (
    <>
      <ErrorSummary title={dt('x.fixFields', { n: range.items.length })} items={range.items} detail={null} alertRef={range.alertRef} />
      <form
        className="form form--inline panel x-usage-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
        data-testid={testId}
      >
        {children}
        <div className="field x-usage-form__submit">
          <button type="submit" className="button button--primary">
            {dt('x.usage.show')}
          </button>
        </div>
      </form>
      <LoadState l={{ ...range.load, retry: range.retry }} title={dt('x.usage.loadFailed')} />
    </>
  );
}
