import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { useCheckedQuery } from '../ui/checked-query.ts';
import { formatInstant, formatNumber } from '../ui/format.ts';
import { LoadState } from '../ui/load.tsx';
import { DataTable, type Column, type Sort } from '../ui/table.tsx';
import { AdminNav } from './AdminNav.tsx';
import { DayRangeFields, RangeForm, rangeErrors, useRangeQuery } from './day-range.tsx';
import { getAnomalies, getUsage, loadCatalogue, type Anomaly, type AnomalyQuery, type Catalogue, type Usage, type UsageRow } from './exchange.api.ts';
import { BarCell, todayVn } from './exchange.ui.tsx';
import { ErrorSummary, FormField } from './fields.tsx';
import { useText } from './text.ts';
import { UsageDailySection } from './UsageDaily.tsx';

const collator = new Intl.Collator('vi');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Period = 'day' | 'week' | 'month' | 'custom';

/** Midnight in Vietnam (UTC+7, no daylight saving) of a yyyy-mm-dd day, as an instant. */
const vnMidnight = (day: string) => new Date(`${day}T00:00:00+07:00`);

function range(p: Period, from: string, to: string, now = Date.now()): { from: string; to: string } {
  if (p === 'custom') return { from: vnMidnight(from).toISOString(), to: new Date(vnMidnight(to).getTime() + DAY).toISOString() };
  const days = p === 'day' ? 1 : p === 'week' ? 7 : 30;
  // Up to the end of the current hour: counters are kept per hour.
  return { from: new Date(now - days * DAY).toISOString(), to: new Date(now + HOUR).toISOString() };
}

/** Usage per member, system and service over a period (bars drawn with CSS), and the anomaly list. */
export function UsagePage() {
  const { dt } = useText();
  const ref = usePageTitle(dt('x.usage.title'));
  const [catalogue, setCatalogue] = useState<Catalogue | null>(null);
  useEffect(() => {
    loadCatalogue().then(setCatalogue, () => undefined);
  }, []);
  return (
    <div className="admin">
      <AdminNav current="usage" />
      <h1 ref={ref} tabIndex={-1}>
        {dt('x.usage.title')}
      </h1>
      <p className="lead">{dt('x.usage.intro')}</p>
      <UsageSection catalogue={catalogue} />
      <UsageDailySection catalogue={catalogue} />
      <AnomalySection />
    </div>
  );
}

type MemberSortKey = 'memberName' | 'calls' | 'people' | 'refused';
type RowSortKey = 'memberName' | 'systemName' | 'service' | 'calls' | 'people' | 'refused';

function UsageSection({ catalogue }: { catalogue: Catalogue | null }) {
  const { dt, lang } = useText();
  const id = useId();
  const [form, setForm] = useState<{ period: Period; from: string; to: string }>(() => ({ period: 'day', from: todayVn(new Date(Date.now() - 7 * DAY)), to: todayVn() }));
  const q = useRangeQuery(id, () => range('day', '', ''), getUsage);
  const { load, errors } = q;
  const [memberSort, setMemberSort] = useState<Sort<MemberSortKey>>({ key: 'calls', dir: 'desc' });
  const [rowSort, setRowSort] = useState<Sort<RowSortKey>>({ key: 'calls', dir: 'desc' });

  const serviceName = (code: string) => catalogue?.services.find((s) => s.code === code)?.name[lang] ?? code;
  const usage = load.state === 'ready' ? load.value : null;
  const rows = useMemo(() => (usage ? usage.members.flatMap((m) => m.systems.map((s) => ({ ...s, memberId: m.memberId, memberName: m.memberName }))) : []), [usage]);
  const members = useMemo(() => {
    if (!usage) return [];
    const sign = memberSort.dir === 'asc' ? 1 : -1;
    return [...usage.members].sort((a, b) => sign * (memberSort.key === 'memberName' ? collator.compare(a.memberName, b.memberName) : a[memberSort.key] - b[memberSort.key]));
  }, [usage, memberSort]);
  const sortedRows = useMemo(() => {
    const sign = rowSort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      switch (rowSort.key) {
        case 'memberName':
        case 'systemName':
          return sign * collator.compare(a[rowSort.key], b[rowSort.key]);
        case 'service':
          return sign * collator.compare(serviceName(a.service), serviceName(b.service));
        default:
          return sign * (a[rowSort.key] - b[rowSort.key]);
      }
    });
  }, [rows, rowSort, catalogue, lang]);
  const max = (k: 'calls' | 'people' | 'refused', list: ReadonlyArray<Record<typeof k, number>>) => Math.max(0, ...list.map((x) => x[k]));
  const bars = <R extends Record<'calls' | 'people' | 'refused', number>>(list: readonly R[]): Array<Column<R, 'calls' | 'people' | 'refused'>> =>
    (['calls', 'people', 'refused'] as const).map((k) => ({ label: dt(`x.col.${k}`), sort: k, cell: (r: R) => <BarCell value={r[k]} max={max(k, list)} tone={k} /> }));
  const memberColumns: Array<Column<Usage['members'][number], MemberSortKey>> = [
    { label: dt('x.col.member'), sort: 'memberName', cell: (m) => (m.memberId.startsWith('m_') ? <Link to={`/admin/exchange/members/${m.memberId}`}>{m.memberName}</Link> : m.memberName) },
    ...bars(members),
  ];
  const rowColumns: Array<Column<UsageRow & { memberName: string }, RowSortKey>> = [
    { label: dt('x.col.member'), sort: 'memberName', cell: (r) => r.memberName },
    { label: dt('x.col.system'), sort: 'systemName', cell: (r) => <Link to={`/admin/exchange/systems/${r.systemId}`}>{r.systemName}</Link> },
    { label: dt('x.col.service'), sort: 'service', cell: (r) => serviceName(r.service) },
    ...bars(rows),
  ];
  const total = usage ? usage.members.reduce((a, m) => ({ calls: a.calls + m.calls, people: a.people + m.people, refused: a.refused + m.refused }), { calls: 0, people: 0, refused: 0 }) : null;

  return (
    <section aria-labelledby={`${id}-title`} data-testid="usage">
      <h2 id={`${id}-title`}>{dt('x.usage.counters')}</h2>
      <RangeForm range={q} testId="usage-form" onSubmit={() => q.submit(form.period === 'custom' ? rangeErrors(form, dt) : {}, () => range(form.period, form.from, form.to))}>
        <div className="field">
          <label htmlFor={`${id}-period`}>{dt('x.usage.period')}</label>
          <select id={`${id}-period`} name="period" value={form.period} onChange={(e) => setForm({ ...form, period: e.currentTarget.value as Period })}>
            <option value="day">{dt('x.usage.day')}</option>
            <option value="week">{dt('x.usage.week')}</option>
            <option value="month">{dt('x.usage.month')}</option>
            <option value="custom">{dt('x.usage.custom')}</option>
          </select>
        </div>
        {form.period === 'custom' && <DayRangeFields id={id} value={form} errors={errors} onChange={(r) => setForm({ ...form, ...r })} />}
      </RangeForm>
      {usage && total && (
        <>
          <p role="status" className="results__status" data-testid="usage-status">
            {usage.members.length
              ? dt('x.usage.summary', { from: formatInstant(usage.from), to: formatInstant(usage.to), calls: formatNumber(total.calls, lang), people: formatNumber(total.people, lang), refused: formatNumber(total.refused, lang) })
              : dt('x.usage.none', { from: formatInstant(usage.from), to: formatInstant(usage.to) })}
          </p>
          {usage.members.length > 0 && (
            <>
              <h3 id={`${id}-members`}>{dt('x.usage.byMember')}</h3>
              <DataTable columns={memberColumns} rows={members} rowKey={(m) => m.memberId} rowProps={(m) => ({ 'data-testid': 'usage-member', 'data-member-id': m.memberId })} sort={memberSort} onSort={setMemberSort} labelledBy={`${id}-members`} hint={dt('x.usage.barsHint')} className="x-usage" testId="usage-members" />
              <h3 id={`${id}-systems`}>{dt('x.usage.bySystem')}</h3>
              <DataTable columns={rowColumns} rows={sortedRows} rowKey={(r) => `${r.systemId}|${r.service}`} rowProps={(r) => ({ 'data-testid': 'usage-system', 'data-system-id': r.systemId, 'data-service': r.service })} sort={rowSort} onSort={setRowSort} labelledBy={`${id}-systems`} hint={null} className="x-usage" testId="usage-systems" />
            </>
          )}
        </>
      )}
    </section>
  );
}

interface AnomalyValues {
  hours: string;
  factor: string;
  minPeople: string;
  baselineDays: string;
}
type AField = keyof AnomalyValues;
const A_ORDER: readonly AField[] = ['hours', 'factor', 'minPeople', 'baselineDays'];
const A_DEFAULTS: AnomalyValues = { hours: '24', factor: '3', minPeople: '1000', baselineDays: '14' };
type ASortKey = 'systemName' | 'memberName' | 'people' | 'usual' | 'ratio';

/** Systems reading far more people than usual, with the thresholds the admin may change. */
function AnomalySection() {
  const { dt, lang } = useText();
  const id = useId();
  const [v, setV] = useState<AnomalyValues>(A_DEFAULTS);
  const [sort, setSort] = useState<Sort<ASortKey>>({ key: 'ratio', dir: 'desc' });
  const fid = (f: AField) => `${id}-${f}`;
  const labels: Record<AField, string> = { hours: dt('x.anomalies.hours'), factor: dt('x.anomalies.factor'), minPeople: dt('x.anomalies.minPeople'), baselineDays: dt('x.anomalies.baselineDays') };
  const q = useCheckedQuery({ fields: A_ORDER, fieldId: fid, labels, initial: (): AnomalyQuery => ({}), get: getAnomalies });
  const { load, errors } = q;

  const set = (f: AField, value: string) => {
    setV((o) => ({ ...o, [f]: value }));
    q.clearError(f);
  };

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const errs: Partial<Record<AField, string>> = {};
    const int = (s: string, lo: number, hi: number) => /^\d+$/.test(s.trim()) && Number(s) >= lo && Number(s) <= hi;
    if (!int(v.hours, 1, 168)) errs.hours = dt('x.anomalies.hoursFormat');
    const factor = Number(v.factor.trim().replace(',', '.'));
    if (!v.factor.trim() || !Number.isFinite(factor) || factor < 1) errs.factor = dt('x.anomalies.factorFormat');
    if (!int(v.minPeople, 1, Number.MAX_SAFE_INTEGER)) errs.minPeople = dt('x.anomalies.minPeopleFormat');
    if (!int(v.baselineDays, 1, 90)) errs.baselineDays = dt('x.anomalies.baselineFormat');
    q.submit(errs, () => ({ hours: Number(v.hours), factor, minPeople: Number(v.minPeople), baselineDays: Number(v.baselineDays) }));
  }

  const result = load.state === 'ready' ? load.value : null;
  const sorted = useMemo(() => {
    if (!result) return [];
    const sign = sort.dir === 'asc' ? 1 : -1;
    return [...result.items].sort((a, b) => {
      switch (sort.key) {
        case 'systemName':
          return sign * collator.compare(a.systemName, b.systemName);
        case 'memberName':
          return sign * collator.compare(a.memberName ?? '', b.memberName ?? '');
        case 'ratio':
          // No history ranks above any ratio (its usual is unknown).
          return sign * ((a.ratio ?? Infinity) - (b.ratio ?? Infinity) || a.people - b.people);
        default:
          return sign * (a[sort.key] - b[sort.key]);
      }
    });
  }, [result, sort]);
  const anomalyColumns: Array<Column<Anomaly, ASortKey>> = [
    { label: dt('x.col.system'), sort: 'systemName', cell: (a) => <Link to={`/admin/exchange/systems/${a.systemId}`}>{a.systemName}</Link> },
    { label: dt('x.col.member'), sort: 'memberName', cell: (a) => (a.memberId ? <Link to={`/admin/exchange/members/${a.memberId}`}>{a.memberName ?? a.memberId}</Link> : '—') },
    { label: dt('x.col.peopleWindow'), sort: 'people', cell: (a) => formatNumber(a.people, lang) },
    { label: dt('x.col.usual'), sort: 'usual', cell: (a) => (a.reason === 'no_history' ? dt('x.anomalies.noHistory') : formatNumber(a.usual, lang)) },
    { label: dt('x.col.ratio'), sort: 'ratio', cell: (a) => <span className="status status--missing">{a.ratio === null ? dt('x.anomalies.new') : dt('x.anomalies.times', { n: formatNumber(a.ratio, lang) })}</span> },
  ];

  return (
    <section aria-labelledby={`${id}-title`} data-testid="anomalies">
      <h2 id={`${id}-title`}>{dt('x.anomalies.title')}</h2>
      <p className="muted">{dt('x.anomalies.intro')}</p>
      <ErrorSummary title={dt('x.fixFields', { n: q.items.length })} items={q.items} detail={null} alertRef={q.alertRef} testId="anomaly-errors" />
      <form className="form form--inline panel x-usage-form" noValidate onSubmit={onSubmit} data-testid="anomaly-form">
        <FormField id={fid('hours')} label={labels.hours} error={errors.hours}>
          {(p) => (
            <select {...p} name="hours" value={v.hours} onChange={(e) => set('hours', e.currentTarget.value)}>
              {['1', '6', '24', '72', '168'].map((h) => (
                <option key={h} value={h}>
                  {dt('x.anomalies.lastHours', { n: h })}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField id={fid('factor')} label={labels.factor} error={errors.factor}>
          {(p) => <input {...p} name="factor" type="text" inputMode="decimal" autoComplete="off" maxLength={6} value={v.factor} onChange={(e) => set('factor', e.currentTarget.value)} />}
        </FormField>
        <FormField id={fid('minPeople')} label={labels.minPeople} error={errors.minPeople}>
          {(p) => <input {...p} name="minPeople" type="text" inputMode="numeric" autoComplete="off" maxLength={12} value={v.minPeople} onChange={(e) => set('minPeople', e.currentTarget.value)} />}
        </FormField>
        <FormField id={fid('baselineDays')} label={labels.baselineDays} error={errors.baselineDays}>
          {(p) => <input {...p} name="baselineDays" type="text" inputMode="numeric" autoComplete="off" maxLength={2} value={v.baselineDays} onChange={(e) => set('baselineDays', e.currentTarget.value)} />}
        </FormField>
        <div className="field x-usage-form__submit">
          <button type="submit" className="button button--primary">
            {dt('x.anomalies.check')}
          </button>
        </div>
      </form>
      <LoadState l={{ ...load, retry: q.retry }} title={dt('x.anomalies.loadFailed')} />
      {result && (
        <>
          <p role="status" className="results__status" data-testid="anomalies-status">
            {result.items.length
              ? dt('x.anomalies.count', { n: result.items.length, hours: result.window.hours, factor: formatNumber(result.factor, lang), days: result.baselineDays })
              : dt('x.anomalies.none', { hours: result.window.hours, factor: formatNumber(result.factor, lang), min: formatNumber(result.minPeople, lang) })}
          </p>
          {sorted.length > 0 && <DataTable columns={anomalyColumns} rows={sorted} rowKey={(a) => a.systemId} rowProps={(a) => ({ 'data-testid': 'anomaly', 'data-system-id': a.systemId })} sort={sort} onSort={setSort} labelledBy={`${id}-title`} hint={null} testId="anomaly-list" />}
        </>
      )}
    </section>
  );
}
