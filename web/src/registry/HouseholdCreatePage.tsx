import { useMemo } from 'react';
import { usePageTitle } from '../app/page.ts';
import { navigate } from '../app/router.tsx';
import { useOfficer } from '../auth/session.tsx';
import { LifeEventForm, residenceOf, type EventSpec } from './LifeEventForm.tsx';
import { useLocationSearch } from './location.ts';
import { householdCreated, offeredHouseholdAddress } from './new-household.ts';
import { RegistryNav } from './RegistryNav.tsx';
import { createHousehold } from './registry.api.ts';
import { useText } from './text.ts';

type Body = { headId: string; residence: { address: string; provinceCode: string; communeCode: string } };

function specFor(head: string | null): EventSpec<Body, { householdNo: string }> {
  const initial = head ? { headId: head, ...offeredHouseholdAddress(head) } : {};
  return {
    fields: [
      { name: 'headId', kind: 'idNumber', label: 'hhNew.headId', hint: 'hhNew.headHint' },
      { name: 'residence', kind: 'address', label: 'hhNew.address' },
    ],
    initial,
    // The server names the head `idNumber` when it refuses them (heads a household with members, bad check digit).
    serverFields: { idNumber: 'headId' },
    codeFields: { REGISTRY_PERSON_NOT_FOUND: 'headId', REGISTRY_EVENT_NOT_ALLOWED: 'headId' },
    legalBasisHint: 'hhNew.hint',
    submitLabel: 'hhNew.submit',
    toBody: (v) => ({ headId: v.headId!.trim(), residence: residenceOf(v) }),
    send: (body, key) => createHousehold(body, key),
  };
}

/**
 * A new household (registrars): its head, who leaves their current household, and its address.
 * Opened from the registry menu, or from a person's page (`?head=`) with their permanent address
 * filled in. On success, the new household's page.
 */
export function HouseholdCreatePage() {
  const { rt } = useText();
  const officer = useOfficer();
  const asked = new URLSearchParams(useLocationSearch()).get('head') ?? '';
  const head = /^\d{12}$/.test(asked) ? asked : null;
  const headingRef = usePageTitle(rt('hhNew.title'));
  const spec = useMemo(() => specFor(head), [head]);

  return (
    <div className="registry">
      <RegistryNav current="household" />
      <h1 ref={headingRef} tabIndex={-1}>
        {rt('hhNew.title')}
      </h1>
      {officer.roles.includes('registrar') ? (
        <>
          <p className="lead">{rt('hhNew.lead')}</p>
          <LifeEventForm
            key={head ?? ''}
            spec={spec}
            title={rt('hhNew.title')}
            testId="household-create"
            onCancel={() => navigate(head ? `/registry/people/${head}` : '/registry')}
            onDone={({ householdNo }) => {
              householdCreated(head, householdNo);
              navigate(`/registry/households/${encodeURIComponent(householdNo)}`);
            }}
          />
        </>
      ) : (
        <p className="alert">{rt('hhNew.registrarsOnly')}</p>
      )}
    </div>
  );
}
