import { useEffect, useId, useRef, useState } from 'react';
import { errorText } from '../api/error-text.ts';
import { Link } from '../app/router.tsx';
import { useOfficerNames } from '../auth/officer-names.ts';
import { formatInstant, formatPartialDate, lookup, maritalText, nationalityText, sentence, sexText, statusText } from './format.ts';
import { PersonLink } from './PersonRecord.tsx';
import { useEthnicGroups, useUnitNames } from './reference.ts';
import { readHistory } from './registry.api.ts';
import type { HistoryEvent, HistoryResult } from './registry.types.ts';
import { useText, type RT } from './text.ts';

/** Stored columns in the order a record reads; search keys are internal and never shown. */
const FIELD_ORDER = [
  'id_number', 'full_name', 'other_names', 'sex', 'birth_day', 'birth_month', 'birth_year', 'status', 'death_date', 'nationality',
  'birth_reg_commune_code', 'birth_reg_province_code', 'origin_commune_code', 'origin_province_code', 'ethnicity_code', 'religion',
  'marital_status', 'father_id', 'mother_id', 'spouse_id',
  'perm_address', 'perm_commune_code', 'perm_province_code', 'perm_old_commune_code', 'perm_old_district_code', 'perm_old_province_code', 'perm_since',
  'temp_address', 'temp_commune_code', 'temp_province_code', 'temp_until',
  'cur_address', 'cur_commune_code', 'cur_province_code',
  'household_no', 'relation_to_head',
];
const INTERNAL = new Set(['name_key', 'given_key', 'version', 'synthetic']);
const DATE_FIELDS = new Set(['birth_date', 'death_date', 'perm_since', 'temp_until']);
/** 2025 units only: codes of the old units (perm_old_*) are from another era and must not be looked up as 2025 codes. */
const PROVINCE_FIELDS = new Set(['birth_reg_province_code', 'origin_province_code', 'perm_province_code', 'temp_province_code', 'cur_province_code']);
const COMMUNE_FIELDS = new Set(['birth_reg_commune_code', 'origin_commune_code', 'perm_commune_code', 'temp_commune_code', 'cur_commune_code']);

interface Row {
  field: string;
  before: unknown;
  after: unknown;
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** yyyy[-mm[-dd]] from the stored parts, or null when the year is unknown. */
function partialDate(side: Record<string, unknown>): string | null {
  const y = side.birth_year;
  if (typeof y !== 'number') return null;
  const m = side.birth_month;
  const d = side.birth_day;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (typeof m !== 'number') return String(y).padStart(4, '0');
  return typeof d === 'number' ? `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}` : `${String(y).padStart(4, '0')}-${pad(m)}`;
}

/** The rows an event shows, in record order; a date of birth stored in three parts reads as one date. */
function rowsOf(e: HistoryEvent): Row[] {
  let keys = [...new Set([...e.changed, ...Object.keys(e.before), ...Object.keys(e.after)])].filter((k) => !INTERNAL.has(k));
  // A birth creates the record: its empty fields are not changes.
  if (e.kind === 'birth_registered') keys = keys.filter((k) => !isEmpty(e.after[k]));
  const rank = (k: string) => (FIELD_ORDER.includes(k) ? FIELD_ORDER.indexOf(k) : FIELD_ORDER.length);
  keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const parts = ['birth_day', 'birth_month', 'birth_year'];
  const has = (side: Record<string, unknown>) => parts.filter((k) => k in side).length;
  const combine = has(e.after) === 3 && (has(e.before) === 0 || has(e.before) === 3);
  const rows: Row[] = [];
  for (const k of keys) {
    if (combine && parts.includes(k)) {
      if (k === 'birth_day') rows.push({ field: 'birth_date', before: partialDate(e.before), after: partialDate(e.after) });
      continue;
    }
    rows.push({ field: k, before: e.before[k], after: e.after[k] });
  }
  return rows;
}

function provinceCodesIn(events: readonly HistoryEvent[]): string[] {
  const out = new Set<string>();
  for (const e of events) for (const side of [e.before, e.after]) for (const [k, v] of Object.entries(side)) if (PROVINCE_FIELDS.has(k) && typeof v === 'string') out.add(v);
  return [...out];
}

function Value({ field, value, rt, names, ethnicName }: { field: string; value: unknown; rt: RT; names: ReturnType<typeof useUnitNames>; ethnicName(code: string): string | null }) {
  if (isEmpty(value)) {
    return (
      <>
        <span aria-hidden="true">—</span>
        <span className="visually-hidden">{rt('value.none')}</span>
      </>
    );
  }
  if (Array.isArray(value)) return <>{value.join(', ')}</>;
  const s = String(value);
  if (field === 'sex') return <>{sexText(s, rt)}</>;
  if (field === 'status') return <>{statusText(s, rt)}</>;
  if (field === 'marital_status') return <>{maritalText(s, rt)}</>;
  if (field === 'nationality') return <>{nationalityText(s, rt)}</>;
  if (field === 'ethnicity_code') return <>{ethnicName(s) ?? s}</>;
  if (field === 'father_id' || field === 'mother_id' || field === 'spouse_id' || field === 'id_number') return field === 'id_number' ? <>{s}</> : <PersonLink idNumber={s} />;
  if (field === 'household_no') return <Link to={`/registry/households/${encodeURIComponent(s)}`}>{s}</Link>;
  if (DATE_FIELDS.has(field)) return <>{formatPartialDate(s)}</>;
  if (PROVINCE_FIELDS.has(field)) {
    const n = names.province(s);
    return <>{n ? `${n} (${s})` : s}</>;
  }
  if (COMMUNE_FIELDS.has(field)) {
    const n = names.commune(s);
    return <>{n ? `${n} (${s})` : s}</>;
  }
  return <>{s}</>;
}

function EventItem({ e, idPrefix, recordedBy }: { e: HistoryEvent; idPrefix: string; recordedBy: string }) {
  const { rt } = useText();
  const names = useUnitNames(provinceCodesIn([e]));
  const ethnic = useEthnicGroups();
  const ethnicName = (code: string) => (ethnic.state === 'ready' ? (ethnic.value.find((g) => g.code === code)?.name ?? null) : null);
  const rows = rowsOf(e);
  // A birth only sets values: one column of values, no empty "before".
  const created = e.kind === 'birth_registered';
  const headingId = `${idPrefix}-ev-${e.eventId}`;
  const role = e.role !== 'subject' && e.role !== 'newborn' ? (lookup(rt, `eventRole.${e.role}`) ?? e.role) : null;
  return (
    <li className="timeline__item" aria-labelledby={headingId} data-testid="history-event">
      <h3 id={headingId} className="timeline__title">
        {lookup(rt, `event.${e.kind}`) ?? e.kind}
      </h3>
      <dl className="timeline__meta">
        <div>
          <dt>{rt('history.recordedAt')}</dt>
          <dd>
            <time dateTime={e.at}>{formatInstant(e.at)}</time>
          </dd>
        </div>
        {e.effectiveDate && (
          <div>
            <dt>{rt('history.effectiveDate')}</dt>
            <dd>{formatPartialDate(e.effectiveDate)}</dd>
          </div>
        )}
        <div>
          <dt>{rt('history.recordedBy')}</dt>
          <dd data-testid="history-recorded-by">{recordedBy}</dd>
        </div>
        <div>
          <dt>{rt('history.legalBasis')}</dt>
          <dd data-testid="history-legal-basis">{e.legalBasis}</dd>
        </div>
        {e.reason && (
          <div>
            <dt>{rt('history.reason')}</dt>
            <dd>{e.reason}</dd>
          </div>
        )}
        {role && (
          <div>
            <dt>{rt('history.role')}</dt>
            <dd>{role}</dd>
          </div>
        )}
      </dl>
      {rows.length > 0 && (
        <table className={created ? 'changes changes--created' : 'changes'}>
          <caption className="visually-hidden">{rt('history.changesCaption', { event: lookup(rt, `event.${e.kind}`) ?? e.kind })}</caption>
          <thead>
            <tr>
              <th scope="col">{rt('history.field')}</th>
              {!created && <th scope="col">{rt('history.before')}</th>}
              <th scope="col">{created ? rt('history.recorded') : rt('history.after')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.field}>
                <th scope="row">{lookup(rt, `column.${r.field}`) ?? r.field}</th>
                {!created && (
                  <td data-label={rt('history.before')}>
                    <Value field={r.field} value={r.before} rt={rt} names={names} ethnicName={ethnicName} />
                  </td>
                )}
                <td data-label={created ? rt('history.recorded') : rt('history.after')}>
                  <Value field={r.field} value={r.after} rt={rt} names={names} ethnicName={ethnicName} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}

type State = { kind: 'closed' } | { kind: 'loading' } | { kind: 'ready'; history: HistoryResult } | { kind: 'error'; error: unknown };

/**
 * Every life event of the person, newest first, loaded when the officer opens it (the read is
 * audited separately from the record).
 */
export function HistorySection({ idNumber, initiallyOpen = false }: { idNumber: string; initiallyOpen?: boolean }) {
  const { rt, t, lang } = useText();
  const id = useId();
  const [state, setState] = useState<State>({ kind: 'closed' });
  const [open, setOpen] = useState(initiallyOpen);
  const loaded = useRef(false);

  // Opened at once (after a life event was recorded): load it on mount.
  useEffect(() => {
    if (initiallyOpen && !loaded.current) load();
    // Once, on mount.
  }, []);

  function toggle() {
    const next = !open;
    setOpen(next);
    if (next && !loaded.current) load();
  }

  function load() {
    loaded.current = true;
    setState({ kind: 'loading' });
    readHistory(idNumber).then(
      (history) => setState({ kind: 'ready', history }),
      (error: unknown) => {
        loaded.current = false;
        setState({ kind: 'error', error });
      },
    );
  }

  const nameOf = useOfficerNames(state.kind === 'ready' ? state.history.events.map((e) => e.officerId) : []);
  const status = state.kind === 'loading' ? rt('history.loading') : state.kind === 'ready' && open ? rt('history.count', { n: state.history.events.length }) : '';

  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{rt('history.title')}</h2>
      <p>{rt('history.intro')}</p>
      <button type="button" className="button button--secondary" aria-expanded={open} aria-controls={`${id}-body`} onClick={toggle}>
        {open ? rt('history.hide') : rt('history.show')}
      </button>
      <p role="status" className="results__status">
        {status}
      </p>
      <div id={`${id}-body`} hidden={!open}>
        {state.kind === 'error' && (
          <div role="alert" className="alert">
            <p className="alert__title">{rt('history.failed')}</p>
            <p>{sentence(errorText(state.error, lang, t))}</p>
            <button type="button" className="button button--secondary" onClick={load}>
              {t('app.retry')}
            </button>
          </div>
        )}
        {state.kind === 'ready' && (
          <ol className="timeline" data-testid="history">
            {state.history.events.map((e) => (
              <EventItem key={`${e.eventId}-${e.role}`} e={e} idPrefix={id} recordedBy={nameOf(e.officerId)} />
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
