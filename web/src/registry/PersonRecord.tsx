import type { ReactNode } from 'react';
import { Link } from '../app/router.tsx';
import { Fact } from './fields.tsx';
import { addressText, formatPartialDate, maritalText, nationalityText, sexText, statusText, unitText } from './format.ts';
import { useEthnicGroups } from './reference.ts';
import type { AddressView, PersonRecord } from './registry.types.ts';
import { useText } from './text.ts';

type Group = 'identity' | 'origin' | 'family' | 'residence';

/** Which groups the server sent (a role sees only some: a service officer has no family group). */
function groupsIn(r: PersonRecord): Group[] {
  const out: Group[] = [];
  if ('fullName' in r || 'idNumber' in r) out.push('identity');
  if ('birthRegistration' in r || 'ethnicity' in r) out.push('origin');
  if ('maritalStatus' in r || 'fatherId' in r) out.push('family');
  if ('permanentResidence' in r || 'household' in r) out.push('residence');
  return out;
}

export function PersonLink({ idNumber }: { idNumber: string | null | undefined }) {
  if (!idNumber) return null;
  return <Link to={`/registry/people/${idNumber}`}>{idNumber}</Link>;
}

/**
 * An address; one recorded before 1 July 2025 shows the units it was recorded with and, beside
 * them, the unit it belongs to now.
 */
export function Address({ a, testId }: { a: AddressView | null | undefined; testId?: string }) {
  const { rt } = useText();
  if (!a) return null;
  const old = a.recordedWith;
  if (!old) return <span data-testid={testId}>{addressText(a)}</span>;
  const oldUnits = [old.communeName ?? old.communeCode, old.districtCode ? rt('address.districtCode', { code: old.districtCode }) : null, old.provinceName ?? old.provinceCode].filter(Boolean).join(', ');
  return (
    <span className="address-old" data-testid={testId}>
      <span className="address-old__recorded">{[a.address, oldUnits].filter(Boolean).join(', ')}</span>
      <span className="address-old__note">{rt('address.recordedBefore2025')}</span>
      <span className="address-old__current">
        <strong>{rt('address.nowIn')}</strong> {unitText(a) || rt('address.noConversion')}
      </span>
    </span>
  );
}

/** The record in its groups (identity, origin, family, residence), as the officer's role may see it. */
export function PersonRecordView({ record: r, level = 2, idPrefix }: { record: PersonRecord; level?: 2 | 3; idPrefix: string }) {
  const { rt } = useText();
  const ethnic = useEthnicGroups();
  const groups = groupsIn(r);
  const H = level === 2 ? 'h2' : 'h3';
  const ethnicity = r.ethnicity ? (ethnic.state === 'ready' ? (ethnic.value.find((g) => g.code === r.ethnicity)?.name ?? r.ethnicity) : r.ethnicity) : null;

  const section = (g: Group, body: ReactNode) => (
    <section key={g} className="panel record-group" aria-labelledby={`${idPrefix}-${g}`} data-testid={`record-${g}`}>
      <H id={`${idPrefix}-${g}`}>{rt(`group.${g}`)}</H>
      <dl className="facts">{body}</dl>
    </section>
  );

  const hidden = (['identity', 'origin', 'family', 'residence'] as const).filter((g) => !groups.includes(g));

  return (
    <div className="record">
      {groups.includes('identity') &&
        section(
          'identity',
          <>
            <Fact term={rt('field.idNumber')} testId="record-idNumber">
              {r.idNumber}
            </Fact>
            <Fact term={rt('field.fullName')} testId="record-fullName">
              {r.fullName}
            </Fact>
            {r.otherNames && r.otherNames.length > 0 && <Fact term={rt('field.otherNames')}>{r.otherNames.join(', ')}</Fact>}
            <Fact term={rt('field.sex')}>{sexText(r.sex, rt)}</Fact>
            <Fact term={rt('field.birthDate')} testId="record-birthDate">
              {formatPartialDate(r.birthDate)}
            </Fact>
            <Fact term={rt('field.status')}>{r.status && <span className={`status status--${r.status}`}>{statusText(r.status, rt)}</span>}</Fact>
            {r.deathDate && <Fact term={rt('field.deathDate')}>{formatPartialDate(r.deathDate)}</Fact>}
            <Fact term={rt('field.nationality')}>{nationalityText(r.nationality, rt)}</Fact>
            {r.synthetic && (
              <Fact term={rt('field.synthetic')}>
                <span className="badge">{rt('badge.synthetic')}</span> {rt('field.syntheticNote')}
              </Fact>
            )}
          </>,
        )}
      {groups.includes('origin') &&
        section(
          'origin',
          <>
            <Fact term={rt('field.birthRegistration')} testId="record-birthRegistration">
              {unitText(r.birthRegistration)}
            </Fact>
            <Fact term={rt('field.origin')}>
              {r.origin && <Address a={r.origin} />}
            </Fact>
            <Fact term={rt('field.ethnicity')}>{ethnicity}</Fact>
            <Fact term={rt('field.religion')}>{r.religion}</Fact>
          </>,
        )}
      {groups.includes('family') &&
        section(
          'family',
          <>
            <Fact term={rt('field.maritalStatus')}>{maritalText(r.maritalStatus, rt)}</Fact>
            <Fact term={rt('field.father')} testId="record-father">
              {r.fatherId && <PersonLink idNumber={r.fatherId} />}
            </Fact>
            <Fact term={rt('field.mother')} testId="record-mother">
              {r.motherId && <PersonLink idNumber={r.motherId} />}
            </Fact>
            <Fact term={rt('field.spouse')}>
              {r.spouseId && <PersonLink idNumber={r.spouseId} />}
            </Fact>
          </>,
        )}
      {groups.includes('residence') &&
        section(
          'residence',
          <>
            <Fact term={rt('field.permanentResidence')}>
              {r.permanentResidence && <Address a={r.permanentResidence} testId="record-permanentResidence" />}
            </Fact>
            <Fact term={rt('field.temporaryResidence')}>
              {r.temporaryResidence && (
                <>
                  <Address a={r.temporaryResidence} />
                  {r.temporaryResidence.until && <> ({rt('field.until', { date: formatPartialDate(r.temporaryResidence.until) })})</>}
                </>
              )}
            </Fact>
            <Fact term={rt('field.currentResidence')}>
              {r.currentResidence && <Address a={r.currentResidence} testId="record-currentResidence" />}
            </Fact>
            <Fact term={rt('field.household')} testId="record-household">
              {r.household && (
                <>
                  <Link to={`/registry/households/${encodeURIComponent(r.household.householdNo)}`}>{r.household.householdNo}</Link>
                  {r.household.relationToHead && <> — {rt('field.relationToHead')}: {r.household.relationToHead}</>}
                </>
              )}
            </Fact>
          </>,
        )}
      {hidden.length > 0 && <p className="notice">{rt('record.hiddenGroups', { groups: hidden.map((g) => rt(`group.${g}`)).join(', ') })}</p>}
    </div>
  );
}
