import { useId, useMemo, useState, type ReactNode } from 'react';
import { formatNumber } from '../ui/format.ts';
import { DataTable, type Column } from '../ui/table.tsx';
import { DayRangeFields, hourRangeErrors, RangeForm, rangeErrors, useRangeQuery, vnLocal } from './day-range.tsx';
import { getDailyUsage, getHourlyUsage, type Catalogue, type UsageSeries } from './exchange.api.ts';
import { BarCell, todayVn } from './exchange.ui.tsx';
import { useText } from './text.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The longest ranges the server answers (MAX_USAGE_DAYS and MAX_USAGE_HOURS in src/exchange/admin.service.ts). */
const MAX_DAYS = 92;
const MAX_HOURS = 72;

type Counts = { calls: number; people: number; refused: number };
interface Scope<P> { key: string; label: string; points: P[] }

/** Calls per day or hour as bars (drawn in SVG, hidden from screen readers: the table below reads the same numbers). */
function BarChart<P extends Counts>({ points, pointKey, label, testId }: { points: readonly P[]; pointKey(p: P): string; label: string; testId: string }) {
  const max = Math.max(1, ...points.map((d) => d.calls));
  const w = 100 / points.length;
  return (
    <figure className="x-daychart" aria-hidden="true" data-testid={testId}>
      <svg viewBox="0 0 100 40" preserveAspectRatio="none" focusable="false">
        {points.map((d, i) => {
          const h = (d.calls / max) * 38;
          return <rect key={pointKey(d)} x={i * w + w * 0.1} width={w * 0.8} y={40 - h} height={h} className={d.refused ? 'x-daychart__bar x-daychart__bar--refused' : 'x-daychart__bar'} />;
        })}
      </svg>
      <figcaption className="muted">{label}</figcaption>
    </figure>
  );
}

/** All members, each member and each system's service of a usage series, as the choices of "Show". */
function useScopes<K extends 'days' | 'hours', P>(usage: UsageSeries<K, P> | null, key: K, catalogue: Catalogue | null): Array<Scope<P>> {
  const { dt, lang } = useText();
  return useMemo(() => {
    if (!usage) return [];
    const serviceName = (code: string) => catalogue?.services.find((s) => s.code === code)?.name[lang] ?? code;
    return [
      { key: 'all', label: dt('x.usage.daily.all'), points: usage[key] },
      ...usage.members.flatMap((m) => [
        { key: `m:${m.memberId}`, label: m.memberName, points: m[key] },
        ...m.systems.flatMap((s) => s.services.map((v) => ({ key: `s:${s.systemId}:${v.service}`, label: `${m.memberName} — ${s.systemName} — ${serviceName(v.service)}`, points: v[key] }))),
      ]),
    ];
  }, [usage, catalogue, lang]);
}

/** One scope of a usage series: the "Show" choice, a summary, the bar chart and the table of calls, people and refusals. */
function SeriesView<P extends Counts>(o: { id: string; scopes: Array<Scope<P>>; pointKey(p: P): string; pointLabel(p: P): ReactNode; column: string; chart: string; summary(scope: string, calls: string): string; testId: string; rowTestId: string; rowAttr: string }) {
  const { dt, lang } = useText();
  const [scope, setScope] = useState('all');
  const shown = o.scopes.find((s) => s.key === scope) ?? o.scopes[0];
  if (!shown) return null;
  const max = (k: keyof Counts) => Math.max(0, ...shown.points.map((d) => d[k]));
  const columns: Array<Column<P>> = [
    { label: o.column, cell: o.pointLabel },
    ...(['calls', 'people', 'refused'] as const).map((k) => ({ label: dt(`x.col.${k}`), cell: (d: P) => <BarCell value={d[k]} max={max(k)} tone={k} /> })),
  ];
  const total = shown.points.reduce((a, d) => a + d.calls, 0);
  return (
    <>
      <div className="field x-usage-scope">
        <label htmlFor={`${o.id}-scope`}>{dt('x.usage.daily.scope')}</label>
        <select id={`${o.id}-scope`} name="scope" value={shown.key} onChange={(e) => setScope(e.currentTarget.value)}>
          {o.scopes.map((s) => (
            <option key={s.key} value={s.key}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <p role="status" className="results__status" data-testid={`${o.testId}-status`}>
        {o.summary(shown.label, formatNumber(total, lang))}
      </p>
      <BarChart points={shown.points} pointKey={o.pointKey} label={o.chart} testId={`${o.testId}-chart`} />
      <DataTable columns={columns} rows={shown.points} rowKey={o.pointKey} rowProps={(d) => ({ 'data-testid': o.rowTestId, [o.rowAttr]: o.pointKey(d) })} labelledBy={`${o.id}-title`} hint={null} className="x-usage" testId={`${o.testId}-table`} />
    </>
  );
}

/** Usage per Vietnam day over at most 92 days, or per hour over at most 72 hours: for all members, one member, or one system's service. */
export function UsageDailySection({ catalogue }: { catalogue: Catalogue | null }) {
  const { dt } = useText();
  const id = useId();
  const [by, setBy] = useState<'day' | 'hour'>('day');
  return (
    <section aria-labelledby={`${id}-title`} data-testid="usage-daily">
      <h2 id={`${id}-title`}>{by === 'day' ? dt('x.usage.daily.title') : dt('x.usage.hourly.title')}</h2>
      <fieldset className="x-usage-by" data-testid="usage-by">
        <legend>{dt('x.usage.by')}</legend>
        {(['day', 'hour'] as const).map((b) => (
          <label key={b} className="choice">
            <input type="radio" name={`${id}-by`} value={b} checked={by === b} onChange={() => setBy(b)} /> {b === 'day' ? dt('x.usage.byDay') : dt('x.usage.byHour')}
          </label>
        ))}
      </fieldset>
      {by === 'day' ? <Daily id={id} catalogue={catalogue} /> : <Hourly id={id} catalogue={catalogue} />}
    </section>
  );
}

function Daily({ id, catalogue }: { id: string; catalogue: Catalogue | null }) {
  const { dt, lang } = useText();
  const [form, setForm] = useState(() => ({ from: todayVn(new Date(Date.now() - 29 * DAY)), to: todayVn() }));
  const range = useRangeQuery(id, () => form, getDailyUsage);
  const usage = range.load.state === 'ready' ? range.load.value : null;
  const scopes = useScopes(usage, 'days', catalogue);
  return (
    <>
      <RangeForm range={range} testId="usage-daily-form" onSubmit={() => range.submit(rangeErrors(form, dt, MAX_DAYS), () => ({ ...form }))}>
        <DayRangeFields id={id} value={form} errors={range.errors} onChange={setForm} />
      </RangeForm>
      {usage && (
        <SeriesView
          id={id} scopes={scopes} pointKey={(d) => d.day} column={dt('x.usage.daily.day')} chart={dt('x.usage.daily.chart')}
          pointLabel={(d) => new Date(`${d.day}T00:00:00Z`).toLocaleDateString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'UTC', weekday: 'short', day: '2-digit', month: '2-digit' })}
          summary={(scope, calls) => dt('x.usage.daily.summary', { from: usage.from, to: usage.to, calls, scope })}
          testId="usage-daily" rowTestId="usage-day" rowAttr="data-day"
        />
      )}
    </>
  );
}

/** "24/11 08:00" from a Vietnam-time label yyyy-mm-ddThh:mm+07:00. */
const hourText = (label: string) => `${label.slice(8, 10)}/${label.slice(5, 7)} ${label.slice(11, 16)}`;

function Hourly({ id, catalogue }: { id: string; catalogue: Catalogue | null }) {
  const { dt } = useText();
  const [form, setForm] = useState(() => {
    const end = Math.ceil((Date.now() + 1) / HOUR) * HOUR;
    return { from: vnLocal(end - DAY), to: vnLocal(end) };
  });
  const range = useRangeQuery(id, () => form, getHourlyUsage, true);
  const usage = range.load.state === 'ready' ? range.load.value : null;
  const scopes = useScopes(usage, 'hours', catalogue);
  return (
    <>
      <RangeForm range={range} testId="usage-hourly-form" onSubmit={() => range.submit(hourRangeErrors(form, dt, MAX_HOURS), () => ({ ...form }))}>
        <DayRangeFields id={id} value={form} errors={range.errors} onChange={setForm} hours />
      </RangeForm>
      {usage && (
        <SeriesView
          id={id} scopes={scopes} pointKey={(h) => h.hour} column={dt('x.usage.hourly.hour')} chart={dt('x.usage.hourly.chart')} pointLabel={(h) => hourText(h.hour)}
          summary={(scope, calls) => dt('x.usage.hourly.summary', { from: hourText(usage.from), to: hourText(usage.to), calls, scope })}
          testId="usage-hourly" rowTestId="usage-hour" rowAttr="data-hour"
        />
      )}
    </>
  );
}
