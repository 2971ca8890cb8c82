import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { Link, navigate } from '../app/router.tsx';
import { AdminNav } from './AdminNav.tsx';
import { createGrant, getSystem, loadCatalogue, type Catalogue, type CatalogueService, type ExchangeSystem, type GrantBody, type ServiceCode } from './exchange.api.ts';
import { formatNumber } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { todayVn } from './exchange.ui.tsx';
import { ChoiceGroup, ErrorSummary, FormActions, FormField, setFlash } from './fields.tsx';
import { useAdminForm } from './form.ts';
import { useText, type PlainKey } from './text.ts';

interface Values {
  service: ServiceCode | '';
  fields: string[];
  purposes: string[];
  basis: 'provision' | 'consent' | '';
  provision: string;
  validFrom: string;
  validUntil: string;
  quotaPerDay: string;
}
type Field = keyof Values;

const ORDER: readonly Field[] = ['service', 'fields', 'purposes', 'basis', 'provision', 'validFrom', 'validUntil', 'quotaPerDay'];
const LABELS: Record<Field, PlainKey> = {
  service: 'x.grantForm.service',
  fields: 'x.grantForm.fields',
  purposes: 'x.grantForm.purposes',
  basis: 'x.grantForm.basis',
  provision: 'x.grantForm.provision',
  validFrom: 'x.grantForm.validFrom',
  validUntil: 'x.grantForm.validUntil',
  quotaPerDay: 'x.grantForm.quota',
};

/** The request body's field names (`basis.provision`, `fields.2`) → form fields. */
function formField(serverField: string): Field | null {
  if (serverField === 'basis.provision') return 'provision';
  const f = serverField.split('.')[0] as Field;
  return ORDER.includes(f) ? f : null;
}

const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(new Date(`${s}T00:00:00Z`).getTime()) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/** Grant a system one catalogue service: its fields, purposes, legal basis, validity and quota. */
export function GrantFormPage({ systemId }: { systemId: string }) {
  const { dt } = useText();
  const load = useApi(async (signal) => {
    const [system, catalogue] = await Promise.all([getSystem(systemId, { signal }), loadCatalogue()]);
    return { system, catalogue };
  }, [systemId]);
  const headingRef = usePageTitle(dt('x.grantForm.title'));
  const missing = load.state === 'error' && load.error instanceof ApiError && load.error.status === 404;

  return (
    <div className="admin">
      <AdminNav current="members" />
      <p className="x-crumbs">
        <Link to={`/admin/exchange/systems/${systemId}`}>{load.state === 'ready' ? dt('x.backTo', { name: load.value.system.name }) : dt('x.backToSystem')}</Link>
      </p>
      <h1 ref={headingRef} tabIndex={-1}>
        {dt('x.grantForm.title')}
      </h1>
      {missing ? <p className="alert">{dt('x.system.notFound')}</p> : <LoadState l={load} title={dt('x.grantForm.loadFailed')} />}
      {load.state === 'ready' && <GrantForm system={load.value.system} catalogue={load.value.catalogue} />}
    </div>
  );
}

function GrantForm({ system, catalogue }: { system: ExchangeSystem; catalogue: Catalogue }) {
  const { dt, lang } = useText();
  const form = useAdminForm<Values>({ initial: () => ({ service: '', fields: [], purposes: [], basis: '', provision: '', validFrom: todayVn(), validUntil: '', quotaPerDay: '' }), order: ORDER, labels: LABELS, fieldOf: formField });
  const { v, setV, set, errors, setErrors, detail, fid, alertRef, items, submitting } = form;
  const def: CatalogueService | undefined = catalogue.services.find((s) => s.code === v.service);
  const purposeLabel = (code: string) => catalogue.purposes.find((p) => p.code === code)?.label[lang] ?? code;

  /** Another service: keep the fields, purposes and basis that it also offers. */
  function chooseService(code: ServiceCode) {
    const next = catalogue.services.find((s) => s.code === code);
    if (!next) return;
    setV((o) => ({
      ...o,
      service: code,
      fields: o.fields.filter((f) => next.fields.some((x) => x.field === f)),
      purposes: o.purposes.filter((p) => next.purposes.includes(p)),
      basis: o.basis && next.bases.includes(o.basis) ? o.basis : '',
    }));
    setErrors((o) => ({ ...o, service: undefined }));
  }

  function build(): { body: GrantBody | null; errs: Partial<Record<Field, string>> } {
    const e: Partial<Record<Field, string>> = {};
    if (!v.service || !def) e.service = dt('x.grantForm.serviceRequired');
    else {
      if (!v.fields.length) e.fields = dt('x.grantForm.fieldsRequired');
      if (!v.purposes.length) e.purposes = dt('x.grantForm.purposesRequired');
      if (!v.basis) e.basis = dt('x.grantForm.basisRequired');
    }
    const provision = v.provision.trim().replace(/\s+/g, ' ');
    if (v.basis === 'provision' && provision.length < 5) e.provision = dt('x.grantForm.provisionRequired');
    if (!v.validFrom) e.validFrom = dt('x.grantForm.dateRequired');
    else if (!isDay(v.validFrom)) e.validFrom = dt('x.grantForm.dateInvalid');
    if (!v.validUntil) e.validUntil = dt('x.grantForm.dateRequired');
    else if (!isDay(v.validUntil)) e.validUntil = dt('x.grantForm.dateInvalid');
    else if (isDay(v.validFrom) && v.validUntil < v.validFrom) e.validUntil = dt('x.grantForm.untilBeforeFrom');
    else if (v.validUntil < todayVn()) e.validUntil = dt('x.grantForm.untilPast');
    const quota = v.quotaPerDay.trim().replace(/[.,\s]/g, '');
    if (quota && (!/^\d+$/.test(quota) || Number(quota) < 1 || !Number.isSafeInteger(Number(quota)))) e.quotaPerDay = dt('x.grantForm.quotaFormat');
    if (Object.keys(e).length || !v.service || !v.basis) return { body: null, errs: e };
    const body: GrantBody = {
      service: v.service,
      // In the catalogue's order, whatever order they were ticked in.
      fields: def!.fields.map((f) => f.field).filter((f) => v.fields.includes(f)),
      purposes: def!.purposes.filter((p) => v.purposes.includes(p)),
      basis: v.basis === 'provision' ? { kind: 'provision', provision } : { kind: 'consent' },
      validFrom: v.validFrom,
      validUntil: v.validUntil,
    };
    if (quota) body.quotaPerDay = Number(quota);
    return { body, errs: e };
  }

  const onSubmit = form.submit(build, async (body) => {
    const g = await createGrant(system.id, body);
    setFlash((d) => d('x.grantForm.created', { id: g.id, system: system.name }));
    navigate(`/admin/exchange/systems/${system.id}`);
  });

  return (
    <>
      <p className="lead">{dt('x.grantForm.intro', { system: system.name })}</p>
      <ErrorSummary title={items.length ? dt('x.fixFields', { n: items.length }) : dt('x.grantForm.failed')} items={items} detail={detail} alertRef={alertRef} testId="grant-errors" />
      <form className="form panel admin-form" noValidate onSubmit={onSubmit} aria-busy={submitting} data-testid="grant-form">
        <ChoiceGroup
          id={fid('service')}
          legend={dt('x.grantForm.service')}
          error={errors.service}
          type="radio"
          name="service"
          options={catalogue.services.map((s) => ({ value: s.code, label: s.name[lang] }))}
          selected={v.service ? [v.service] : []}
          onChange={([s]) => s && chooseService(s)}
          testId="grant-service"
        />
        {def && (
          <p className="form__note" data-testid="grant-service-description">
            {def.description[lang]}
          </p>
        )}
        {def && (
          <>
            <ChoiceGroup
              id={fid('fields')}
              legend={dt('x.grantForm.fields')}
              hint={dt('x.grantForm.fieldsHint')}
              error={errors.fields}
              type="checkbox"
              name="fields"
              options={def.fields.map((f) => ({ value: f.field, label: `${f.label[lang]} (${f.field})` }))}
              selected={v.fields}
              onChange={(f) => set('fields', f)}
              testId="grant-fields"
            />
            <div className="form__actions x-select-all">
              <button type="button" className="button button--link" onClick={() => set('fields', def.fields.map((f) => f.field))}>
                {dt('x.grantForm.allFields')}
              </button>
              <button type="button" className="button button--link" onClick={() => set('fields', [])}>
                {dt('x.grantForm.noFields')}
              </button>
            </div>
            <ChoiceGroup
              id={fid('purposes')}
              legend={dt('x.grantForm.purposes')}
              hint={dt('x.grantForm.purposesHint')}
              error={errors.purposes}
              type="checkbox"
              name="purposes"
              options={def.purposes.map((p) => ({ value: p, label: purposeLabel(p) }))}
              selected={v.purposes}
              onChange={(p) => set('purposes', p)}
              testId="grant-purposes"
            />
            <ChoiceGroup
              id={fid('basis')}
              legend={dt('x.grantForm.basis')}
              error={errors.basis}
              type="radio"
              name="basis"
              options={def.bases.map((b) => ({ value: b, label: b === 'provision' ? dt('x.grantForm.basisProvision') : dt('x.grantForm.basisConsent') }))}
              selected={v.basis ? [v.basis] : []}
              onChange={([b]) => set('basis', b ?? '')}
              testId="grant-basis"
            />
            {v.basis === 'provision' && (
              <FormField id={fid('provision')} label={dt('x.grantForm.provision')} hint={dt('x.grantForm.provisionHint', { examples: def.provisionExamples.join('; ') })} error={errors.provision}>
                {(p) => <input {...p} name="provision" type="text" autoComplete="off" maxLength={300} value={v.provision} onChange={(e) => set('provision', e.currentTarget.value)} />}
              </FormField>
            )}
            {v.basis === 'consent' && <p className="form__note">{dt('x.grantForm.consentNote')}</p>}
          </>
        )}
        <fieldset className="x-dates">
          <legend>{dt('x.grantForm.validity')}</legend>
          <FormField id={fid('validFrom')} label={dt('x.grantForm.validFrom')} error={errors.validFrom} className="field--narrow">
            {(p) => <input {...p} name="validFrom" type="date" min="2000-01-01" max="2999-12-31" value={v.validFrom} onChange={(e) => set('validFrom', e.currentTarget.value)} />}
          </FormField>
          <FormField id={fid('validUntil')} label={dt('x.grantForm.validUntil')} hint={dt('x.grantForm.validUntilHint')} error={errors.validUntil} className="field--narrow">
            {(p) => <input {...p} name="validUntil" type="date" min="2000-01-01" max="2999-12-31" value={v.validUntil} onChange={(e) => set('validUntil', e.currentTarget.value)} />}
          </FormField>
        </fieldset>
        <FormField
          id={fid('quotaPerDay')}
          label={dt('x.grantForm.quota')}
          hint={def ? dt('x.grantForm.quotaHint', { n: formatNumber(def.defaultQuotaPerDay, lang) }) : dt('x.grantForm.quotaHintNoService')}
          optional
          error={errors.quotaPerDay}
          className="field--narrow"
        >
          {(p) => <input {...p} name="quotaPerDay" type="text" inputMode="numeric" autoComplete="off" maxLength={16} value={v.quotaPerDay} onChange={(e) => set('quotaPerDay', e.currentTarget.value)} />}
        </FormField>
        <FormActions submitting={submitting} label={dt('x.grantForm.submit')} busyLabel={dt('x.grantForm.submitting')} cancel={{ to: `/admin/exchange/systems/${system.id}`, label: dt('x.cancel') }} />
      </form>
    </>
  );
}
