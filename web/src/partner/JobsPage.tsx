import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { ErrorSummary, FormField, sentence, type SummaryItem } from '../ui/fields.tsx';
import { useFocusAfterRender } from '../ui/focus.ts';
import { formatInstant } from '../ui/format.ts';
import { formatBytes, formatNumber } from '../ui/format.ts';
import { LoadState } from '../ui/load.tsx';
import { PagedTable, usePagedList, type Column, type Sort } from '../ui/table.tsx';
import { cancelJob, listJobs, startJob, type Job, type JobStatus, type MemberView } from './partner.api.ts';
import { useMember } from './PartnerApp.tsx';
import { StatusFilter } from './StatusFilter.tsx';
import { useText, type XT } from './text.ts';

const FINISHED = new Set(['completed', 'cancelled', 'failed']);
const POLL_MS = 1000;

/** An Idempotency-Key (crypto.getRandomValues works on plain http too, unlike randomUUID). */
function newKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

export function duration(seconds: number, xt: XT): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return xt('job.seconds', { s });
  if (s < 3600) return xt('job.minutes', { m: Math.floor(s / 60), s: s % 60 });
  return xt('job.hours', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

const PAGE = 10;
const NEWEST: Sort<JobSort> = { key: 'createdAt', dir: 'desc' };
const STATUSES: readonly JobStatus[] = ['uploading', 'queued', 'running', 'completed', 'failed', 'cancelled'];
type JobSort = 'createdAt' | 'status' | 'rows';

/** Bulk verification: upload a file (managers), the jobs a page at a time with live progress, cancel, result download. */
export function JobsPage() {
  const { xt, lang } = useText();
  const { member } = useMember();
  const ref = usePageTitle(xt('jobs.title'));
  const [status, setStatus] = useState<JobStatus | ''>('');
  const paged = usePagedList((p, signal) => listJobs(member.id, { ...p, status }, { signal }), { limit: PAGE, sort: NEWEST, filters: [member.id, status] });
  const jobs = paged.list;
  const [notice, setNotice] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const previous = useRef<Map<string, string>>(new Map());
  const canManage = member.role === 'manager' && member.status === 'active';

  const page = jobs.state === 'ready' ? jobs.value : null;
  const items = page?.items ?? [];
  const live = items.some((j) => !FINISHED.has(j.status));
  const { retry } = jobs;

  // Poll while a job on the page is unfinished; the shown page stays while the next answer loads.
  useEffect(() => {
    if (!live) return;
    const timer = window.setTimeout(retry, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [live, items, retry]);

  // A job that finishes is announced once (the progress bars themselves are not a live region).
  useEffect(() => {
    const prev = previous.current;
    for (const j of items) {
      const was = prev.get(j.id);
      if (was && was !== j.status && FINISHED.has(j.status)) setAnnounce(xt('job.finished', { id: j.id.slice(0, 8), status: xt(`jobStatus.${j.status}`) }));
      prev.set(j.id, j.status);
    }
  }, [items, xt]);

  const started = (job: Job) => {
    setNotice(xt('form.started', { id: job.id.slice(0, 8), rows: formatNumber(job.rows.estimated ?? 0, lang) }));
    previous.current.set(job.id, job.status);
    // Shown at once on the first page, newest first; the poll (every second while a job is unfinished) follows it.
    if (page && page.offset === 0 && !status && paged.sort.key === NEWEST.key && paged.sort.dir === NEWEST.dir) jobs.set({ ...page, items: [job, ...page.items.filter((j) => j.id !== job.id)].slice(0, PAGE) });
    else {
      setStatus('');
      paged.setSort(NEWEST);
    }
  };
  const cancelled = (job: Job) => {
    setNotice(xt('job.cancelled', { id: job.id.slice(0, 8) }));
    if (page) jobs.set({ ...page, items: page.items.map((x) => (x.id === job.id ? job : x)) });
    focusAfterRender(() => noticeRef.current);
  };
  const purposeLabel = (j: Job) => member.systems.flatMap((s) => s.bulkPurposes).find((p) => p.code === j.purpose)?.label[lang] ?? j.purpose;

  const columns: Array<Column<Job, JobSort>> = [
    { label: xt('job.col'), sort: 'createdAt', cell: (j) => (
      <>
        <strong>{xt('job.title', { id: j.id.slice(0, 8) })}</strong>
        <span className="partner-job__line">{j.systemName}</span>
        <span className="partner-job__line muted">{formatInstant(j.createdAt)}</span>
      </>
    ) },
    { label: xt('job.status'), sort: 'status', cell: (j) => (
      <span className={`badge partner-job__status partner-job__status--${j.status}`} data-testid="job-status">
        {xt(`jobStatus.${j.status}`)}
      </span>
    ) },
    { label: xt('job.progress'), sort: 'rows', cell: (j) => <Progress j={j} /> },
    { label: xt('job.purpose'), cell: (j) => (
      <>
        {purposeLabel(j)}
        <span className="partner-job__line muted">{j.legalBasis}</span>
      </>
    ) },
    { label: xt('job.actions'), cell: (j) => <JobActions j={j} member={member} canManage={canManage} onCancelled={cancelled} /> },
  ];

  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {xt('jobs.title')}
      </h1>
      <p className="lead">{xt('jobs.lead')}</p>
      <p ref={noticeRef} tabIndex={-1} role="status" className={notice ? 'notice' : 'visually-hidden'} data-testid="jobs-notice">
        {notice ?? ''}
      </p>
      <p role="status" className="visually-hidden" data-testid="jobs-announce">
        {announce}
      </p>
      {canManage && <UploadForm member={member} onStarted={started} />}

      <section className="panel" aria-labelledby="jobs-list" data-testid="jobs">
        <h2 id="jobs-list">{xt('jobs.list')}</h2>
        <StatusFilter id="jobs-status" label={xt('jobs.filter')} statuses={STATUSES} text={(s) => xt(`jobStatus.${s}`)} applied={status} onApply={(s) => (s === status ? retry() : setStatus(s))} />
        {!page && <LoadState l={jobs} />}
        {page && (
          <>
            <p className="results__status" role="status" data-testid="jobs-status">
              {items.length ? xt('jobs.count', { from: page.offset + 1, to: page.offset + items.length }) : status ? xt('jobs.noneMatch') : xt('jobs.none')}
            </p>
            {live && <p className="muted">{xt('jobs.live')}</p>}
            {items.length > 0 && <PagedTable paged={paged} columns={columns} labelledBy="jobs-list" className="partner-jobs" rowKey={(j) => j.id} rowProps={(j) => ({ 'data-testid': 'job', 'data-job-id': j.id, 'data-status': j.status })} />}
          </>
        )}
      </section>
    </div>
  );
}

type FieldName = 'system' | 'purpose' | 'file';

/**
 * System, purpose, name matching and the file. The file is sent as the request body straight from
 * disk. A refusal keeps every choice (the file too) and shows the reason next to its field.
 */
function UploadForm({ member, onStarted }: { member: MemberView; onStarted(job: Job): void }) {
  const { xt, t, lang } = useText();
  const id = useId();
  const systems = member.systems.filter((s) => s.status === 'active');
  const [systemId, setSystemId] = useState(systems.length === 1 ? systems[0]!.id : '');
  const system = systems.find((s) => s.id === systemId) ?? null;
  const purposes = system?.bulkPurposes ?? [];
  const [purpose, setPurpose] = useState(purposes.length === 1 ? purposes[0]!.code : '');
  const [matching, setMatching] = useState('exact');
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [detail, setDetail] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(newKey());
  const fileRef = useRef<HTMLInputElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();

  // Another choice is another request: a retry of the same choice reuses the key (no second job).
  const changed = () => {
    key.current = newKey();
  };

  const chooseSystem = (v: string) => {
    setSystemId(v);
    const next = systems.find((s) => s.id === v)?.bulkPurposes ?? [];
    setPurpose(next.length === 1 ? next[0]!.code : next.some((p) => p.code === purpose) ? purpose : '');
    setErrors((e) => ({ ...e, system: undefined, purpose: undefined }));
    changed();
  };

  function show(e: Partial<Record<FieldName, string>>, d: string | null) {
    setErrors(e);
    setDetail(d);
    const first = (['system', 'purpose', 'file'] as const).find((f) => e[f]);
    focusAfterRender(first ? `${id}-${first}` : () => alertRef.current);
  }

  async function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    if (busy) return;
    const e: Partial<Record<FieldName, string>> = {};
    if (!system) e.system = xt('form.err.system');
    else if (!purposes.length) e.purpose = xt('form.purposeNone');
    else if (!purpose) e.purpose = xt('form.err.purpose');
    if (!file) e.file = xt('form.err.file');
    if (e.system || e.purpose || e.file) return show(e, null);
    setBusy(true);
    show({}, null);
    try {
      const job = await startJob(member.id, system!.id, { purpose, nameMatching: matching }, file!, key.current, lang);
      setBusy(false);
      key.current = newKey();
      setFile(null);
      if (fileRef.current) fileRef.current.value = '';
      onStarted(job);
    } catch (err) {
      setBusy(false);
      const fe: Partial<Record<FieldName, string>> = {};
      if (err instanceof ApiError) {
        for (const f of ['system', 'purpose', 'file'] as const) {
          const m = err.fieldMessage(f, lang);
          if (m) fe[f] = m;
        }
      }
      show(fe, Object.keys(fe).length ? null : sentence(errorText(err, lang, t)));
    }
  }

  const labels: Record<FieldName, string> = { system: xt('form.system'), purpose: xt('form.purpose'), file: xt('form.file') };
  const summary: SummaryItem[] = (['system', 'purpose', 'file'] as const).filter((f) => errors[f]).map((f) => ({ id: `${id}-${f}`, label: labels[f], message: errors[f]! }));

  return (
    <form className="panel form partner-upload" noValidate onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="upload-form">
      <h2 id={`${id}-title`}>{xt('form.title')}</h2>
      <ErrorSummary title={summary.length ? `${xt('form.errorsTitle')}: ${xt('fixFields', { n: summary.length })}` : xt('form.errorsTitle')} items={summary} detail={detail} alertRef={alertRef} testId="upload-errors" />
      <div className="partner-upload__fields">
        <FormField id={`${id}-system`} label={labels.system} error={errors.system ?? null}>
          {(p) => (
            <select {...p} name="system" value={systemId} onChange={(e) => chooseSystem(e.currentTarget.value)}>
              <option value="">{xt('form.choose')}</option>
              {systems.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField id={`${id}-purpose`} label={labels.purpose} error={errors.purpose ?? null} hint={system && !purposes.length ? xt('form.purposeNone') : undefined}>
          {(p) => (
            <select
              {...p}
              name="purpose"
              value={purpose}
              onChange={(e) => {
                setPurpose(e.currentTarget.value);
                setErrors((x) => ({ ...x, purpose: undefined }));
                changed();
              }}
            >
              <option value="">{xt('form.choose')}</option>
              {purposes.map((o) => (
                <option key={o.code} value={o.code}>
                  {o.label[lang]}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField id={`${id}-matching`} label={xt('form.matching')}>
          {(p) => (
            <select
              {...p}
              name="nameMatching"
              value={matching}
              onChange={(e) => {
                setMatching(e.currentTarget.value);
                changed();
              }}
            >
              <option value="exact">{xt('matching.exact')}</option>
              <option value="diacritic_insensitive">{xt('matching.diacritic_insensitive')}</option>
            </select>
          )}
        </FormField>
        <FormField id={`${id}-file`} label={labels.file} hint={xt('form.fileHint')} error={errors.file ?? null}>
          {(p) => (
            <input
              {...p}
              ref={fileRef}
              name="file"
              type="file"
              accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson"
              onChange={(e) => {
                setFile(e.currentTarget.files?.[0] ?? null);
                setErrors((x) => ({ ...x, file: undefined }));
                changed();
              }}
            />
          )}
        </FormField>
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? xt('form.submitting') : xt('form.submit')}
        </button>
      </div>
    </form>
  );
}

/** The progress bar with the rows done, the rate and the time left. */
function Progress({ j }: { j: Job }) {
  const { xt, lang } = useText();
  const short = j.id.slice(0, 8);
  const finished = FINISHED.has(j.status);
  const pct = j.progress.percent ?? (finished ? 100 : 0);
  const total = j.rows.estimated;
  const facts = [
    total !== null ? xt('job.rows', { done: formatNumber(j.rows.done, lang), total: formatNumber(total, lang) }) : xt('job.rowsUnknown', { done: formatNumber(j.rows.done, lang) }),
    j.progress.rowsPerSecond && !finished ? xt('job.rate', { rate: formatNumber(j.progress.rowsPerSecond, lang) }) : null,
    j.progress.etaSeconds && !finished ? xt('job.eta', { eta: duration(j.progress.etaSeconds, xt) }) : null,
  ].filter(Boolean);
  return (
    <div className="partner-progress">
      <div className="partner-progress__track" role="progressbar" aria-label={xt('job.progressLabel', { id: short })} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} aria-valuetext={`${formatNumber(pct, lang)} % — ${facts.join(', ')}`} data-testid="job-progress">
        <span className={`partner-progress__fill${j.status === 'failed' || j.status === 'cancelled' ? ' partner-progress__fill--stopped' : ''}`} style={{ width: `${pct}%` }} />
      </div>
      <p className="partner-progress__text" data-testid="job-progress-text">
        <span className="partner-progress__pct">{formatNumber(pct, lang)} %</span> · {facts.join(' · ')}
      </p>
      {(j.rows.done > 0 || finished) && (
        <p className="partner-progress__text muted" data-testid="job-outcomes">
          {xt('job.outcomeLine', { match: formatNumber(j.rows.match, lang), mismatch: formatNumber(j.rows.mismatch, lang), notFound: formatNumber(j.rows.notFound, lang), malformed: formatNumber(j.rows.malformed, lang), refused: formatNumber(j.rows.refused, lang) })}
        </p>
      )}
      {j.cancelRequested && !finished && <p className="notice">{xt('job.cancelRequested')}</p>}
      {j.error && <p className="alert">{xt('job.error', { error: j.error })}</p>}
    </div>
  );
}

/** The result download and, for a manager while the job runs, cancelling it. */
function JobActions({ j, member, canManage, onCancelled }: { j: Job; member: MemberView; canManage: boolean; onCancelled(job: Job): void }) {
  const { xt, t, lang } = useText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const short = j.id.slice(0, 8);
  const finished = FINISHED.has(j.status);

  async function cancel() {
    setBusy(true);
    setError(null);
    try {
      onCancelled(await cancelJob(member.id, j.id));
    } catch (err) {
      setError(sentence(errorText(err, lang, t)));
    }
    setBusy(false);
  }

  return (
    <div className="partner-job__actions">
      {j.result.available && (
        <a className="button button--primary partner-job__download" href={j.result.url} download data-testid="job-download">
          {xt('job.download')} <span className="partner-job__size">{xt('job.downloadSize', { size: formatBytes(j.result.bytes) })}</span>
          <span className="visually-hidden">: {xt('job.title', { id: short })}</span>
        </a>
      )}
      {canManage && !finished && !j.cancelRequested && (
        <button type="button" className="button button--secondary" onClick={cancel} disabled={busy}>
          {busy ? xt('job.cancelling') : xt('job.cancel')}
          <span className="visually-hidden">: {xt('job.title', { id: short })}</span>
        </button>
      )}
      {error && (
        <div role="alert" className="alert">
          <p className="alert__title">{xt('job.cancelFailed')}</p>
          <p>{error}</p>
        </div>
      )}
    </div>
  );
}
