import { usePageTitle } from '../app/page.ts';
import { navigate } from '../app/router.tsx';
import { useProvinces } from '../registry/reference.ts';
import { AdminNav } from './AdminNav.tsx';
import { createMember, MEMBER_KINDS, type MemberKind, type NewMemberBody } from './exchange.api.ts';
import { ChoiceGroup, ErrorSummary, FormActions, FormField, setFlash } from './fields.tsx';
import { useAdminForm } from './form.ts';
import { useText, type PlainKey } from './text.ts';

interface Values {
  name: string;
  kind: MemberKind | '';
  code: string;
  provinceCode: string;
  contact: string;
}
type Field = keyof Values;

const ORDER: readonly Field[] = ['name', 'kind', 'code', 'provinceCode', 'contact'];
const LABELS: Record<Field, PlainKey> = {
  name: 'x.memberForm.name',
  kind: 'x.memberForm.kind',
  code: 'x.memberForm.code',
  provinceCode: 'x.memberForm.province',
  contact: 'x.memberForm.contact',
};

/** Refusals that name no field but belong to one (the server's codes). */
const CODE_FIELDS: Record<string, Field> = { EXCHANGE_MEMBER_CODE_TAKEN: 'code', OFFICER_UNKNOWN_UNIT: 'provinceCode' };

/** Register a member organisation: name, kind, and optionally its tax or agency code, province and contact. */
export function MemberFormPage() {
  const { dt } = useText();
  const headingRef = usePageTitle(dt('x.memberForm.title'));
  const provinces = useProvinces();
  const form = useAdminForm<Values>({ initial: { name: '', kind: '', code: '', provinceCode: '', contact: '' }, order: ORDER, labels: LABELS, codeFields: CODE_FIELDS });
  const { v, set, errors, detail, fid, alertRef, items, submitting } = form;

  function build(): { body: NewMemberBody | null; errs: Partial<Record<Field, string>> } {
    const e: Partial<Record<Field, string>> = {};
    const name = v.name.trim().replace(/\s+/g, ' ');
    if (name.length < 2) e.name = dt('x.memberForm.nameRequired');
    if (!v.kind) e.kind = dt('x.memberForm.kindRequired');
    const code = v.code.trim();
    if (code && !/^[A-Za-z0-9._-]{2,40}$/.test(code)) e.code = dt('x.memberForm.codeFormat');
    const contact = v.contact.trim();
    if (Object.keys(e).length || !v.kind) return { body: null, errs: e };
    const body: NewMemberBody = { name, kind: v.kind };
    if (code) body.code = code;
    if (v.provinceCode) body.provinceCode = v.provinceCode;
    if (contact) body.contact = contact;
    return { body, errs: e };
  }

  const onSubmit = form.submit(build, async (body) => {
    const m = await createMember(body);
    setFlash((d) => d('x.memberForm.created', { name: m.name }));
    navigate(`/admin/exchange/members/${m.id}`);
  });

  return (
    <div className="admin">
      <AdminNav current="members" />
      <h1 ref={headingRef} tabIndex={-1}>
        {dt('x.memberForm.title')}
      </h1>
      <p className="lead">{dt('x.memberForm.intro')}</p>
      <ErrorSummary title={items.length ? dt('x.fixFields', { n: items.length }) : dt('x.memberForm.failed')} items={items} detail={detail} alertRef={alertRef} testId="member-errors" />
      <form className="form panel admin-form" noValidate onSubmit={onSubmit} aria-busy={submitting} data-testid="member-form">
        <FormField id={fid('name')} label={dt('x.memberForm.name')} hint={dt('x.memberForm.nameHint')} error={errors.name}>
          {(p) => <input {...p} name="name" type="text" autoComplete="organization" maxLength={200} value={v.name} onChange={(e) => set('name', e.currentTarget.value)} />}
        </FormField>
        <ChoiceGroup
          id={fid('kind')}
          legend={dt('x.memberForm.kind')}
          error={errors.kind}
          type="radio"
          name="kind"
          options={MEMBER_KINDS.map((k) => ({ value: k, label: dt(`x.kind.${k}`) }))}
          selected={v.kind ? [v.kind] : []}
          onChange={([k]) => set('kind', k ?? '')}
          testId="member-kind"
        />
        <FormField id={fid('code')} label={dt('x.memberForm.code')} hint={dt('x.memberForm.codeHint')} optional error={errors.code} className="field--narrow">
          {(p) => <input {...p} name="code" type="text" autoComplete="off" autoCapitalize="none" spellCheck={false} maxLength={40} value={v.code} onChange={(e) => set('code', e.currentTarget.value)} />}
        </FormField>
        <FormField id={fid('provinceCode')} label={dt('x.memberForm.province')} hint={dt('x.memberForm.provinceHint')} optional error={errors.provinceCode} className="field--narrow">
          {(p) => (
            <select {...p} name="provinceCode" value={v.provinceCode} aria-busy={provinces.state === 'loading' || undefined} onChange={(e) => set('provinceCode', e.currentTarget.value)}>
              <option value="">{provinces.state === 'loading' ? dt('loading') : dt('x.memberForm.noProvince')}</option>
              {provinces.state === 'ready' &&
                provinces.value.map((pr) => (
                  <option key={pr.code} value={pr.code}>
                    {pr.name}
                  </option>
                ))}
            </select>
          )}
        </FormField>
        <FormField id={fid('contact')} label={dt('x.memberForm.contact')} hint={dt('x.memberForm.contactHint')} optional error={errors.contact}>
          {(p) => <textarea {...p} name="contact" rows={2} maxLength={300} value={v.contact} onChange={(e) => set('contact', e.currentTarget.value)} />}
        </FormField>
        <FormActions submitting={submitting} label={dt('x.memberForm.submit')} busyLabel={dt('x.memberForm.submitting')} cancel={{ to: '/admin/exchange/members', label: dt('x.backToMembers') }} />
      </form>
    </div>
  );
}
