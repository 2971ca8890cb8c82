import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { useFocusAfterRender } from '../ui/focus.ts';
import { formatInstant } from '../ui/format.ts';
import { addStaff, listStaff, removeStaff, STAFF_ROLES, type StaffMember, type StaffRole } from './exchange.api.ts';
import { ConfirmPanel } from './exchange.ui.tsx';
import { ChoiceGroup, ErrorSummary, FormField, sentence, type SummaryItem } from './fields.tsx';
import { useText, type DT } from './text.ts';

type Field = 'idNumber' | 'role';
const ORDER: readonly Field[] = ['idNumber', 'role'];
type Load = { state: 'loading' } | { state: 'ready'; items: StaffMember[] } | { state: 'error'; error: unknown };

export const staffRoleText = (r: StaffRole, dt: DT) => (r === 'manager' ? dt('x.staff.role.manager') : dt('x.staff.role.viewer'));

/** A member's staff: citizens who sign in with eID to the partner console, added by ID number as manager or viewer. */
export function MemberStaff({ memberId, memberName }: { memberId: string; memberName: string }) {
  const { dt, t, lang } = useText();
  const id = useId();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [v, setV] = useState<{ idNumber: string; role: StaffRole | '' }>({ idNumber: '', role: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [detail, setDetail] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const fid = (f: Field) => `${id}-${f}`;

  useEffect(() => {
    const ctrl = new AbortController();
    listStaff(memberId, { signal: ctrl.signal }).then(
      ({ items }) => setLoad({ state: 'ready', items }),
      (error: unknown) => !ctrl.signal.aborted && setLoad({ state: 'error', error }),
    );
    return () => ctrl.abort();
  }, [memberId, attempt]);

  function show(errs: Partial<Record<Field, string>>, d: string | null) {
    setErrors(errs);
    setDetail(d);
    const first = ORDER.find((f) => errs[f]);
    focusAfterRender(first ? fid(first) : () => alertRef.current);
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (submitting) return;
    const idNumber = v.idNumber.replace(/\s+/g, '');
    const errs: Partial<Record<Field, string>> = {};
    if (!/^\d{12}$/.test(idNumber)) errs.idNumber = dt('x.staff.idNumberFormat');
    if (!v.role) errs.role = dt('x.staff.roleRequired');
    if (Object.keys(errs).length || !v.role) return show(errs, null);
    setSubmitting(true);
    setErrors({});
    setDetail(null);
    setNotice(null);
    try {
      const s = await addStaff(memberId, { idNumber, role: v.role });
      setSubmitting(false);
      setLoad((l) => (l.state === 'ready' ? { state: 'ready', items: [...l.items.filter((x) => x.idNumber !== s.idNumber), s] } : { state: 'ready', items: [s] }));
      setV({ idNumber: '', role: '' });
      setNotice(dt('x.staff.added', { idNumber: s.idNumber, role: staffRoleText(s.role, dt) }));
    } catch (err) {
      setSubmitting(false);
      const fieldErrs: Partial<Record<Field, string>> = {};
      const other: string[] = [];
      if (err instanceof ApiError) {
        for (const fe of err.fieldErrors) {
          const f = fe.field.split('.')[0] as Field;
          const msg = fe.messages?.[lang] ?? fe.message;
          if (ORDER.includes(f) && !fieldErrs[f]) fieldErrs[f] = msg;
          else if (!ORDER.includes(f)) other.push(`${fe.field}: ${msg}`);
        }
      }
      show(fieldErrs, Object.keys(fieldErrs).length ? null : [sentence(errorText(err, lang, t)), ...other].join(' '));
    }
  }

  const items: SummaryItem[] = ORDER.filter((f) => errors[f]).map((f) => ({ id: fid(f), label: f === 'idNumber' ? dt('x.staff.idNumber') : dt('x.staff.role'), message: errors[f]! }));
  const staff = load.state === 'ready' ? [...load.items].sort((a, b) => a.addedAt.localeCompare(b.addedAt)) : [];

  return (
    <section aria-labelledby={`${id}-staff`} data-testid="member-staff">
      <h2 id={`${id}-staff`} ref={headingRef} tabIndex={-1}>
        {dt('x.staff.title')}
      </h2>
      <p className="muted">{dt('x.staff.intro')}</p>
      <div role="status" className={notice ? 'notice' : 'visually-hidden'} data-testid="staff-flash">
        {notice ?? ''}
      </div>
      {load.state === 'loading' && (
        <p className="loading" role="status">
          {dt('loading')}
        </p>
      )}
      {load.state === 'error' && (
        <div role="alert" className="alert">
          <p>{sentence(errorText(load.error, lang, t))}</p>
          <p>
            <button type="button" className="button button--secondary" onClick={() => setAttempt((a) => a + 1)}>
              {t('app.retry')}
            </button>
          </p>
        </div>
      )}
      {load.state === 'ready' && (
        <>
          <p className="results__status">{staff.length ? dt('x.staff.count', { n: staff.length }) : dt('x.staff.none')}</p>
          {staff.length > 0 && (
            <table className="results-table" aria-labelledby={`${id}-staff`} data-testid="staff">
              <thead>
                <tr>
                  <th scope="col">{dt('x.staff.idNumber')}</th>
                  <th scope="col">{dt('x.staff.role')}</th>
                  <th scope="col">{dt('x.staff.addedBy')}</th>
                  <th scope="col">{dt('x.staff.addedAt')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{dt('x.staff.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {staff.map((s) => (
                  <tr key={s.idNumber} data-testid="staff-row" data-id-number={s.idNumber}>
                    <td data-label={dt('x.staff.idNumber')}>
                      <span>
                        <code>{s.idNumber}</code>
                      </span>
                    </td>
                    <td data-label={dt('x.staff.role')}>
                      <span>{staffRoleText(s.role, dt)}</span>
                    </td>
                    <td data-label={dt('x.staff.addedBy')}>
                      <span>{s.addedBy}</span>
                    </td>
                    <td data-label={dt('x.staff.addedAt')}>
                      <span className="nowrap">{formatInstant(s.addedAt)}</span>
                    </td>
                    <td data-label={dt('x.staff.actions')}>
                      {removing === s.idNumber ? (
                        <ConfirmPanel
                          testId="staff-confirm"
                          question={dt('x.staff.confirmRemove', { idNumber: s.idNumber, name: memberName })}
                          danger
                          confirmLabel={dt('x.staff.removeConfirm')}
                          busyLabel={dt('x.saving')}
                          cancelLabel={dt('x.cancel')}
                          onCancel={() => {
                            setRemoving(null);
                            focusAfterRender(() => document.getElementById(`${id}-remove-${s.idNumber}`));
                          }}
                          onConfirm={async () => {
                            await removeStaff(memberId, s.idNumber);
                            setRemoving(null);
                            setLoad((l) => (l.state === 'ready' ? { state: 'ready', items: l.items.filter((x) => x.idNumber !== s.idNumber) } : l));
                            setNotice(dt('x.staff.removed', { idNumber: s.idNumber }));
                            focusAfterRender(() => headingRef.current);
                          }}
                        />
                      ) : (
                        <button
                          id={`${id}-remove-${s.idNumber}`}
                          type="button"
                          className="button button--secondary button--danger-outline"
                          aria-label={dt('x.staff.removeLabel', { idNumber: s.idNumber })}
                          onClick={() => setRemoving(s.idNumber)}
                        >
                          {dt('x.staff.remove')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <h3>{dt('x.staff.addTitle')}</h3>
      <ErrorSummary title={items.length ? dt('x.fixFields', { n: items.length }) : dt('x.staff.addFailed')} items={items} detail={detail} alertRef={alertRef} testId="staff-errors" />
      <form className="form panel admin-form" noValidate onSubmit={onSubmit} aria-busy={submitting} data-testid="staff-form">
        <FormField id={fid('idNumber')} label={dt('x.staff.idNumber')} hint={dt('x.staff.idNumberHint')} error={errors.idNumber} className="field--narrow">
          {(p) => (
            <input
              {...p}
              name="idNumber"
              type="text"
              inputMode="numeric"
              autoComplete="off"
              maxLength={14}
              value={v.idNumber}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setV((o) => ({ ...o, idNumber: value }));
                if (errors.idNumber) setErrors((o) => ({ ...o, idNumber: undefined }));
              }}
            />
          )}
        </FormField>
        <ChoiceGroup
          id={fid('role')}
          legend={dt('x.staff.role')}
          hint={dt('x.staff.roleHint')}
          error={errors.role}
          type="radio"
          name="staff-role"
          options={STAFF_ROLES.map((r) => ({ value: r, label: staffRoleText(r, dt) }))}
          selected={v.role ? [v.role] : []}
          onChange={([r]) => {
            setV((o) => ({ ...o, role: r ?? '' }));
            if (errors.role) setErrors((o) => ({ ...o, role: undefined }));
          }}
          testId="staff-role"
        />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={submitting}>
            {submitting ? dt('x.saving') : dt('x.staff.add')}
          </button>
        </div>
      </form>
    </section>
  );
}
