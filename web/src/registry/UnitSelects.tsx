import type { Ref } from 'react';
import { errorText } from '../api/error-text.ts';
import { FormField } from './fields.tsx';
import { useCommunes, useProvinces } from './reference.ts';
import { useText } from './text.ts';

export interface UnitValue {
  provinceCode: string;
  communeCode: string;
}

/**
 * Province, then commune of that province (2025 units), as two selects. In a filter (`optional`)
 * the first option is "all"; in a form both are required. Choosing another province clears the commune.
 */
export function UnitSelects({ idPrefix, value, onChange, optional, labels, errors, provinceRef, communeRef }: {
  idPrefix: string;
  value: UnitValue;
  onChange(v: UnitValue): void;
  optional?: boolean;
  labels: { province: string; commune: string };
  errors?: { province?: string | null; commune?: string | null };
  provinceRef?: Ref<HTMLSelectElement>;
  communeRef?: Ref<HTMLSelectElement>;
}) {
  const { rt, t, lang } = useText();
  const provinces = useProvinces();
  const communes = useCommunes(value.provinceCode || null);

  const loadError = (l: { state: string; error?: unknown; retry(): void }) =>
    l.state === 'error' ? (
      <p className="field__load-error" role="alert">
        {rt('units.loadFailed')} {errorText(l.error, lang, t)}{' '}
        <button type="button" className="button button--link" onClick={l.retry}>
          {t('app.retry')}
        </button>
      </p>
    ) : null;

  return (
    <>
      <FormField id={`${idPrefix}-province`} label={labels.province} optional={optional} error={errors?.province}>
        {(p) => (
          <>
            <select {...p} ref={provinceRef} name="provinceCode" value={value.provinceCode} aria-busy={provinces.state === 'loading' || undefined} onChange={(e) => onChange({ provinceCode: e.currentTarget.value, communeCode: '' })}>
              <option value="">{provinces.state === 'loading' ? rt('units.loading') : optional ? rt('units.allProvinces') : rt('units.chooseProvince')}</option>
              {provinces.state === 'ready' &&
                provinces.value.map((pr) => (
                  <option key={pr.code} value={pr.code}>
                    {pr.name}
                  </option>
                ))}
            </select>
            {loadError(provinces)}
          </>
        )}
      </FormField>
      <FormField id={`${idPrefix}-commune`} label={labels.commune} optional={optional} error={errors?.commune}>
        {(p) => (
          <>
            <select {...p} ref={communeRef} name="communeCode" value={value.communeCode} aria-busy={communes.state === 'loading' || undefined} onChange={(e) => onChange({ provinceCode: value.provinceCode, communeCode: e.currentTarget.value })}>
              <option value="">
                {!value.provinceCode ? rt('units.provinceFirst') : communes.state === 'loading' ? rt('units.loading') : optional ? rt('units.allCommunes') : rt('units.chooseCommune')}
              </option>
              {communes.state === 'ready' &&
                communes.value.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.name}
                  </option>
                ))}
            </select>
            {loadError(communes)}
          </>
        )}
      </FormField>
    </>
  );
}
