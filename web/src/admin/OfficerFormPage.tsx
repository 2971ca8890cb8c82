import { type FormEvent } from 'react';
import { usePageTitle } from '../app/page.ts';
import { navigate } from '../app/router.tsx';
import { ROLES, type Role } from '../auth/auth.types.ts';
import { roleLabel } from '../auth/officer-text.ts';
import { useOfficer } from '../auth/session.tsx';
import { UnitSelects } from '../registry/UnitSelects.tsx';
import { formatInstant } from '../ui/format.ts';
import { useApi } from '../ui/load.tsx';
import { ApiError } from '../api/problem.ts';
import { AdminFrame } from './AdminFrame.tsx';
import { AdminNav } from './AdminNav.tsx';
import { createOfficer, getOfficer, updateOfficer, type AdminOfficer, type OfficerPatch } from './admin.api.ts';
import { ChoiceGroup, ErrorSummary, FormActions, FormField, setFlash } from './fields.tsx';
import { useAdminForm } from './form.ts';
import { useText, type PlainKey } from './text.ts';

interface Values {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  provinceCode: string;
  communeCode: string;
  status: 'active' | 'disabled';
}
type Field = keyof Values;

/** Form order: the first field with an error takes the focus. */
const ORDER: readonly Field[] = ['username', 'displayName', 'password', 'roles', 'provinceCode', 'communeCode', 'status'];
const LABELS: Record<Field, PlainKey> = {
  username: 'officerForm.username',
  displayName: 'officerForm.displayName',
  password: 'officerForm.password',
  roles: 'officerForm.roles',
  provinceCode: 'officerForm.province',
  communeCode: 'officerForm.commune',
  status: 'officerForm.status',
};

/** `roles.0` → roles: the server names the element of an array that is wrong. */
function formField(serverField: string): Field | null {
  const f = serverField.split('.')[0] as Field;
  return ORDER.includes(f) ? f : null;
}

/** Create an officer (`officerId` null) or edit one: name, roles, jurisdiction, status. */
export function OfficerFormPage({ officerId }: { officerId: string | null }) {
  const { dt } = useText();
  const load = useApi(async (signal) => (officerId ? await getOfficer(officerId, { signal }) : null), [officerId]);
  if (!officerId) return <OfficerForm key="new" officer={null} />;
  if (load.state === 'ready' && load.value) return <OfficerForm key={officerId} officer={load.value} />;
  if (load.state === 'error' && load.error instanceof ApiError && (load.error.status === 404 || load.error.status === 400)) return <AdminFrame current="officers" title={dt('officerForm.notFound')} back={{ to: '/admin/officers', label: dt('officerForm.cancel') }} />;
  return <AdminFrame current="officers" title={load.state === 'loading' ? dt('officerForm.editTitle', { name: '' }) : dt('officers.loadFailed')} l={load} />;
}

function OfficerForm({ officer }: { officer: AdminOfficer | null }) {
  const { dt, t } = useText();
  const me = useOfficer();
  const editing = officer !== null;
  const self = officer?.id === me.id;
  const title = officer ? dt('officerForm.editTitle', { name: officer.displayName }) : dt('officerForm.newTitle');
  const headingRef = usePageTitle(title);
  const initial: Values = {
    username: officer?.username ?? '',
    displayName: officer?.displayName ?? '',
    password: '',
    roles: (officer?.roles ?? []).filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
    provinceCode: officer?.jurisdiction.provinceCode ?? '',
    communeCode: officer?.jurisdiction.communeCode ?? '',
    status: officer?.status ?? 'active',
  };
  const form = useAdminForm<Values>({ initial, order: ORDER, labels: LABELS, fieldOf: formField, idOf: (id, f) => (f === 'provinceCode' ? `${id}-unit-province` : f === 'communeCode' ? `${id}-unit-commune` : `${id}-${f}`) });
  const { id, v, setV, set, errors, setErrors, detail, show, fid, alertRef, items, submitting, setSubmitting } = form;

  function check(): Partial<Record<Field, string>> {
    const e: Partial<Record<Field, string>> = {};
    if (!editing) {
      const u = v.username.trim();
      if (!u) e.username = dt('officerForm.usernameRequired');
      else if (!/^[a-z0-9._-]{3,64}$/.test(u)) e.username = dt('officerForm.usernameFormat');
      if (!v.password) e.password = dt('officerForm.passwordRequired');
      else if (v.password.length < 12) e.password = dt('officerForm.passwordShort');
    }
    if (!v.displayName.trim()) e.displayName = dt('officerForm.displayNameRequired');
    if (!v.roles.length) e.roles = dt('officerForm.rolesRequired');
    return e;
  }

  /** Only what changed, the jurisdiction whole. */
  function patch(o: AdminOfficer): OfficerPatch {
    const p: OfficerPatch = {};
    const name = v.displayName.trim().replace(/\s+/g, ' ');
    if (name !== o.displayName) p.displayName = name;
    if (v.roles.length !== o.roles.length || v.roles.some((r) => !o.roles.includes(r))) p.roles = ROLES.filter((r) => v.roles.includes(r));
    const province = v.provinceCode || null;
    const commune = v.communeCode || null;
    if (province !== o.jurisdiction.provinceCode || commune !== o.jurisdiction.communeCode) {
      p.provinceCode = province;
      p.communeCode = commune;
    }
    if (v.status !== o.status) p.status = v.status;
    return p;
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (submitting) return;
    const errs = check();
    if (Object.keys(errs).length) return show(errs, null);
    setSubmitting(true);
    form.clear();
    try {
      if (officer) {
        const p = patch(officer);
        if (!Object.keys(p).length) {
          setSubmitting(false);
          return show({}, dt('officerForm.unchanged'));
        }
        const saved = await updateOfficer(officer.id, p);
        setFlash((d) => d('officerForm.saved', { username: saved.username }));
      } else {
        const created = await createOfficer({ username: v.username.trim(), displayName: v.displayName.trim().replace(/\s+/g, ' '), password: v.password, roles: ROLES.filter((r) => v.roles.includes(r)), provinceCode: v.provinceCode || null, communeCode: v.communeCode || null });
        setFlash((d) => d('officerForm.created', { username: created.username }));
      }
      navigate('/admin/officers');
    } catch (err) {
      setSubmitting(false);
      // A refusal that names no field (self lock-out, a wrong unit) is shown above the form with the server's words.
      form.refused(err);
    }
  }

  return (
    <div className="admin">
      <AdminNav current="officers" />
      <h1 ref={headingRef} tabIndex={-1}>
        {title}
      </h1>
      {officer && <p className="muted">{dt('officerForm.since', { at: formatInstant(officer.createdAt), by: officer.createdBy })}</p>}
      {self && <p className="notice">{dt('officerForm.self')}</p>}
      <ErrorSummary title={items.length ? dt('officerForm.fixFields', { n: items.length }) : dt('officerForm.failed')} items={items} detail={detail} alertRef={alertRef} testId="officer-errors" />
      <form className="form panel admin-form" noValidate onSubmit={onSubmit} aria-busy={submitting} data-testid="officer-form">
        <fieldset>
          <legend>{dt('officerForm.account')}</legend>
          {editing ? (
            <dl className="facts">
              <div>
                <dt>{dt('officerForm.username')}</dt>
                <dd data-testid="officer-username">{officer.username}</dd>
              </div>
            </dl>
          ) : (
            <FormField id={fid('username')} label={dt('officerForm.username')} hint={dt('officerForm.usernameHint')} error={errors.username}>
              {(p) => <input {...p} name="username" type="text" autoComplete="off" autoCapitalize="none" spellCheck={false} maxLength={64} value={v.username} onChange={(e) => set('username', e.currentTarget.value)} />}
            </FormField>
          )}
          <FormField id={fid('displayName')} label={dt('officerForm.displayName')} error={errors.displayName}>
            {(p) => <input {...p} name="displayName" type="text" autoComplete="off" maxLength={200} value={v.displayName} onChange={(e) => set('displayName', e.currentTarget.value)} />}
          </FormField>
          {!editing && (
            <FormField id={fid('password')} label={dt('officerForm.password')} hint={dt('officerForm.passwordHint')} error={errors.password}>
              {(p) => <input {...p} name="password" type="password" autoComplete="new-password" maxLength={256} value={v.password} onChange={(e) => set('password', e.currentTarget.value)} />}
            </FormField>
          )}
        </fieldset>

        <ChoiceGroup
          id={fid('roles')}
          legend={dt('officerForm.roles')}
          hint={dt('officerForm.rolesHint')}
          error={errors.roles}
          type="checkbox"
          name="roles"
          options={ROLES.map((r) => ({ value: r, label: roleLabel(r, t) }))}
          selected={v.roles}
          onChange={(roles) => set('roles', roles)}
          testId="officer-roles"
        />

        <fieldset>
          <legend>{dt('officerForm.jurisdiction')}</legend>
          <p className="form__note">{dt('officerForm.jurisdictionHint')}</p>
          <UnitSelects
            idPrefix={`${id}-unit`}
            optional
            value={{ provinceCode: v.provinceCode, communeCode: v.communeCode }}
            onChange={(u) => {
              setV((o) => ({ ...o, ...u }));
              setErrors((o) => ({ ...o, provinceCode: undefined, communeCode: undefined }));
            }}
            labels={{ province: dt('officerForm.province'), commune: dt('officerForm.commune') }}
            errors={{ province: errors.provinceCode ?? null, commune: errors.communeCode ?? null }}
          />
        </fieldset>

        {editing && (
          <ChoiceGroup
            id={fid('status')}
            legend={dt('officerForm.status')}
            error={errors.status}
            type="radio"
            name="status"
            options={[
              { value: 'active', label: dt('officerForm.statusActive') },
              { value: 'disabled', label: dt('officerForm.statusDisabled') },
            ]}
            selected={[v.status]}
            onChange={([s]) => set('status', s ?? 'active')}
          />
        )}

        <FormActions submitting={submitting} label={editing ? dt('officerForm.save') : dt('officerForm.create')} busyLabel={editing ? dt('officerForm.saving') : dt('officerForm.creating')} cancel={{ to: '/admin/officers', label: dt('officerForm.cancel') }} />
      </form>
    </div>
  );
}
