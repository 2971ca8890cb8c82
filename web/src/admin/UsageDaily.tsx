import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useFocusAfterRender } from '../ui/focus.ts';
import { ApiError } from '../api/problem.ts';
import { formatNumber } from '../ui/format.ts';
import { LoadState } from '../ui/load.tsx';
import { DataTable, type Column } from '../ui/table.tsx';
import { getDailyUsage, type Catalogue, type DailyUsage, type DayUsage } from './exchange.api.ts';
import { BarCell, todayVn } from './exchange.ui.tsx';
import { ErrorSummary, FormField, type SummaryItem } from './fields.tsx';
import { useText } from './text.ts';

const DAY = 86_400_000;
/** The longest range the server answers (MAX_USAGE_DAYS in src/exchange/admin.service.ts). */
const MAX_DAYS = 92;
const dayNo = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY;

type Range = { from: string; to: string };

/** Errors of a from/to day range as typed (both required, in order, at most `maxDays` when given). */
export function rangeErrors(r: Range, dt: ReturnType<typeof useText>['dt'], maxDays?: number): Partial<Record<Field, string>> {
  const errs: Partial<Record<Field, string>> = {};
  if (!r.from) errs.from = dt('x.grantForm.dateRequired');
  if (!r.to) errs.to = dt('x.grantForm.dateRequired');
  else if (r.from && r.to < r.from) errs.to = dt('x.usage.toBeforeFrom');
  else if (r.from && maxDays && dayNo(r.to) - dayNo(r.from) + 1 > maxDays) errs.to = dt('x.usage.daily.tooLong', { n: maxDays });
  return errs;
}

/** The from/to date fields of a usage form, each with its error beside it. */
export function DayRangeFields({ id, value, errors, onChange }: { id: string; value: Range; errors: Partial<Record<Field, string>>; onChange(r: Range): void }) {
  const { dt } = useText();
  return (
    <>
      <FormField id={`${id}-from`} label={dt('x.usage.from')} error={errors.from}>
        {(p) => <input {...p} name="from" type="date" value={value.from} max={todayVn()} onChange={(e) => onChange({ ...value, from: e.currentTarget.value })} />}
      </FormField>
      <FormField id={`${id}-to`} label={dt('x.usage.to')} error={errors.to}>
        {(p) => <input {...p} name="to" type="date" value={value.to} onChange={(e) => onChange({ ...value, to: e.currentTarget.value })} />}
      </FormField>
    </>
  );
}

type Load = { state: 'loading' } | { state: 'ready'; usage: DailyUsage } | { state: 'invalid' } | { state: 'error'; error: unknown };
type Field = 'from' | 'to';

/** Calls per day as bars (drawn in SVG, hidden from screen readers: the table below reads the same numbers). */
function DayChart({ days, label }: { days: readonly DayUsage[]; label: string }) {
  const max = Math.max(1, ...days.map((d) => d.calls));
  const w = 100 / days.length;
  return (
    <figure className="x-daychart" aria-hidden="true" data-testid="usage-daily-chart">
      <svg viewBox="0 0 100 40" preserveAspectRatio="none" focusable="false">
        {days.map((d, i) => {
          const h = (d.calls / max) * 38;
          return <rect key={d.day} x={i * w + w * 0.1} width={w * 0.8} y={40 - h} height={h} className={d.refused ? 'x-daychart__bar x-daychart__bar--refused' : 'x-daychart__bar'} />;
        })}
      </svg>
      <figcaption className="muted">{label}</figcaption>
    </figure>
  );
}

/** Usage per Vietnam day over at most 92 days: for all members, one member, or one system's service. */
export function UsageDailySection({ catalogue }: { catalogue: Catalogue | null }) {
  const { dt, lang } = useText();
  const id = useId();
  const [form, setForm] = useState(() => ({ from: todayVn(new Date(Date.now() - 29 * DAY)), to: todayVn() }));
  const [query, setQuery] = useState(form);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [attempt, setAttempt] = useState(0);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [scope, setScope] = useState('all');
  const alertRef = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();

  useEffect(() => {
    const ctrl = new AbortController();
    setLoad({ state: 'loading' });
    getDailyUsage(query, { signal: ctrl.signal }).then(
      (usage) => setLoad({ state: 'ready', usage }),
      (error: unknown) => {
        if (ctrl.signal.aborted) return;
        const fe: Partial<Record<Field, string>> = {};
        if (error instanceof ApiError) for (const f of error.fieldErrors) if (f.field === 'from' || f.field === 'to') fe[f.field] ??= f.messages?.[lang] ?? f.message;
        if (fe.from || fe.to) {
          setErrors(fe);
          setLoad({ state: 'invalid' });
          focusAfterRender(`${id}-${fe.from ? 'from' : 'to'}`);
        } else setLoad({ state: 'error', error });
      },
    );
    return () => ctrl.abort();
  }, [query, attempt]);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const errs = rangeErrors(form, dt, MAX_DAYS);
    setErrors(errs);
    if (errs.from || errs.to) return focusAfterRender(`${id}-${errs.from ? 'from' : 'to'}`);
    setQuery({ ...form });
    setAttempt((a) => a + 1);
  }

  const serviceName = (code: string) => catalogue?.services.find((s) => s.code === code)?.name[lang] ?? code;
  const usage = load.state === 'ready' ? load.usage : null;
  const scopes = useMemo(() => {
    if (!usage) return [];
    return [
      { key: 'all', label: dt('x.usage.daily.all'), days: usage.days },
      ...usage.members.flatMap((m) => [
        { key: `m:${m.memberId}`, label: m.memberName, days: m.days },
        ...m.systems.flatMap((s) => s.services.map((v) => ({ key: `s:${s.systemId}:${v.service}`, label: `${m.memberName} — ${s.systemName} — ${serviceName(v.service)}`, days: v.days }))),
      ]),
    ];
  }, [usage, catalogue, lang]);
  const shown = scopes.find((s) => s.key === scope) ?? scopes[0];
  const max = (k: 'calls' | 'people' | 'refused') => Math.max(0, ...(shown?.days ?? []).map((d) => d[k]));
  const columns: Array<Column<DayUsage>> = [
    { label: dt('x.usage.daily.day'), cell: (d) => new Date(`${d.day}T00:00:00Z`).toLocaleDateString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'UTC', weekday: 'short', day: '2-digit', month: '2-digit' }) },
    ...(['calls', 'people', 'refused'] as const).map((k) => ({ label: dt(`x.col.${k}`), cell: (d: DayUsage) => <BarCell value={d[k]} max={max(k)} tone={k} /> })),
  ];
  const items: SummaryItem[] = (['from', 'to'] as const).filter((f) => errors[f]).map((f) => ({ id: `${id}-${f}`, label: dt(`x.usage.${f}`), message: errors[f]! }));
  const total = shown ? shown.days.reduce((a, d) => a + d.calls, 0) : 0;

  return (
    <section aria-labelledby={`${id}-title`} data-testid="usage-daily">
      <h2 id={`${id}-title`}>{dt('x.usage.daily.title')}</h2>
      <ErrorSummary title={dt('x.fixFields', { n: items.length })} items={items} detail={null} alertRef={alertRef} />
      <form className="form form--inline panel x-usage-form" noValidate onSubmit={onSubmit} data-testid="usage-daily-form">
        <DayRangeFields id={id} value={form} errors={errors} onChange={setForm} />
        <div className="field x-usage-form__submit">
          <button type="submit" className="button button--primary">
            {dt('x.usage.show')}
          </button>
        </div>
      </form>
      {load.state !== 'invalid' && <LoadState l={{ ...load, retry: () => setAttempt((a) => a + 1) }} title={dt('x.usage.loadFailed')} />}
      {usage && shown && (
        <>
          <div className="field x-usage-scope">
            <label htmlFor={`${id}-scope`}>{dt('x.usage.daily.scope')}</label>
            <select id={`${id}-scope`} name="scope" value={shown.key} onChange={(e) => setScope(e.currentTarget.value)}>
              {scopes.map((s) => (
                <option key={s.key} value={s.key}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
          <p role="status" className="results__status" data-testid="usage-daily-status">
            {dt('x.usage.daily.summary', { from: usage.from, to: usage.to, calls: formatNumber(total, lang), scope: shown.label })}
          </p>
          <DayChart days={shown.days} label={dt('x.usage.daily.chart')} />
          <DataTable columns={columns} rows={shown.days} rowKey={(d) => d.day} rowProps={(d) => ({ 'data-testid': 'usage-day', 'data-day': d.day })} labelledBy={`${id}-title`} hint={null} className="x-usage" testId="usage-daily-table" />
        </>
      )}
    </section>
  );
}
