import { useId, useMemo, useState } from 'react';
import { formatNumber } from '../ui/format.ts';
import { DataTable, type Column } from '../ui/table.tsx';
import { DayRangeFields, RangeForm, rangeErrors, useRangeQuery } from './day-range.tsx';
import { getDailyUsage, type Catalogue, type DayUsage } from './exchange.api.ts';
import { BarCell, todayVn } from './exchange.ui.tsx';
import { useText } from './text.ts';

const DAY = 86_400_000;
/** The longest range the server answers (MAX_USAGE_DAYS in src/exchange/admin.service.ts). */
const MAX_DAYS = 92;

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
  const range = useRangeQuery(id, () => form, getDailyUsage);
  const { load, errors } = range;
  const [scope, setScope] = useState('all');

  const serviceName = (code: string) => catalogue?.services.find((s) => s.code === code)?.name[lang] ?? code;
  const usage = load.state === 'ready' ? load.value : null;
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
  const total = shown ? shown.days.reduce((a, d) => a + d.calls, 0) : 0;

  return (
    <section aria-labelledby={`${id}-title`} data-testid="usage-daily">
      <h2 id={`${id}-title`}>{dt('x.usage.daily.title')}</h2>
      <RangeForm range={range} testId="usage-daily-form" onSubmit={() => range.submit(rangeErrors(form, dt, MAX_DAYS), () => ({ ...form }))}>
        <DayRangeFields id={id} value={form} errors={errors} onChange={setForm} />
      </RangeForm>
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
