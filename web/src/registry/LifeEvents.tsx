import { Link } from '../app/router.tsx';
import { EventMenuSection, residenceOf, type EventSpec, type Values } from './LifeEventForm.tsx';
import { offerHouseholdAddress } from './new-household.ts';
import { personPath, recordEvent } from './registry.api.ts';
import type { PersonRecord } from './registry.types.ts';
import { useText, type PlainKey } from './text.ts';

export const PERSON_EVENTS = ['current', 'temporary', 'permanent', 'permanentDeregister', 'marriage', 'divorce', 'missing', 'missingRevoke', 'death'] as const;
export type PersonEvent = (typeof PERSON_EVENTS)[number];

const notFuture = (v: string, _all: Values, today: string): PlainKey | null => (v > today ? 'life.dateFuture' : null);
const afterToday = (v: string, _all: Values, today: string): PlainKey | null => (v <= today ? 'life.untilPast' : null);
const MENU: Record<PersonEvent, PlainKey> = {
  current: 'life.menu.current',
  temporary: 'life.menu.temporary',
  permanent: 'life.menu.permanent',
  permanentDeregister: 'life.menu.permanentDeregister',
  marriage: 'life.menu.marriage',
  divorce: 'life.menu.divorce',
  missing: 'life.menu.missing',
  missingRevoke: 'life.menu.missingRevoke',
  death: 'life.menu.death',
};
export const lifeEventTitle = (e: PersonEvent) => MENU[e];
const RELATIONS = ['Chủ hộ', 'Vợ', 'Chồng', 'Con', 'Cháu', 'Bố', 'Mẹ', 'Khác'] as const;

/** The form of each event of one person; the server decides what each changes. */
function specOf(ev: PersonEvent, idNumber: string, record: PersonRecord): EventSpec<object> {
  const send = (path: string) => (body: object, key: string) => recordEvent(personPath(idNumber, path), body, key);
  switch (ev) {
    case 'death':
      return { fields: [{ name: 'deathDate', kind: 'date', label: 'life.deathDate', check: notFuture }], legalBasisHint: 'life.hint.death', submitLabel: 'life.submit.death', intro: 'life.intro.death', toBody: (v) => ({ deathDate: v.deathDate }), send: send('death') };
    case 'missing':
      return { fields: [{ name: 'since', kind: 'date', label: 'life.since', check: notFuture }], legalBasisHint: 'life.hint.missing', submitLabel: 'life.submit.missing', toBody: (v) => ({ since: v.since }), send: send('missing') };
    case 'missingRevoke':
      return { fields: [], legalBasisHint: 'life.hint.missing', submitLabel: 'life.submit.missingRevoke', toBody: () => ({}), send: send('missing/revoke') };
    case 'permanent':
      return {
        fields: [
          { name: 'residence', kind: 'address', label: 'life.permanentAddress' },
          { name: 'householdNo', kind: 'text', label: 'life.householdNo', hint: 'life.householdNoHint', optional: true, maxLength: 40 },
          { name: 'relationToHead', kind: 'text', label: 'birth.relationToHead', hint: 'birth.relationHint', optional: true, maxLength: 40, suggestions: RELATIONS, check: (v, all) => (all.householdNo?.trim() && !v.trim() ? 'birth.relationRequired' : null) },
        ],
        legalBasisHint: 'life.hint.permanent',
        submitLabel: 'life.submit.permanent',
        toBody: (v) => ({ residence: residenceOf(v), ...(v.householdNo?.trim() ? { householdNo: v.householdNo.trim(), relationToHead: v.relationToHead?.trim() } : {}) }),
        send: send('permanent-residence'),
      };
    case 'permanentDeregister':
      return { fields: [], legalBasisHint: 'life.hint.permanent', submitLabel: 'life.submit.permanentDeregister', toBody: () => ({}), send: send('permanent-residence/deregister') };
    case 'temporary':
      return {
        fields: [
          { name: 'residence', kind: 'address', label: 'life.temporaryAddress' },
          { name: 'until', kind: 'date', label: 'life.until', hint: 'life.untilHint', check: afterToday },
        ],
        legalBasisHint: 'life.hint.temporary',
        submitLabel: 'life.submit.temporary',
        toBody: (v) => ({ residence: residenceOf(v), until: v.until }),
        send: send('temporary-residence'),
      };
    case 'current':
      return { fields: [{ name: 'residence', kind: 'address', label: 'life.currentAddress' }], legalBasisHint: 'life.hint.current', submitLabel: 'life.submit.current', toBody: (v) => ({ residence: residenceOf(v) }), send: send('current-residence') };
    case 'marriage':
    case 'divorce':
      return {
        fields: [
          { name: 'spouseId', kind: 'idNumber', label: 'life.spouseId', check: (v) => (v.trim() === idNumber ? 'life.spouseSelf' : null) },
          { name: 'date', kind: 'date', label: ev === 'marriage' ? 'life.marriageDate' : 'life.divorceDate', check: notFuture },
        ],
        initial: ev === 'divorce' && record.spouseId ? { spouseId: record.spouseId } : undefined,
        serverFields: { partnerIds: 'spouseId', 'partnerIds.0': 'spouseId', 'partnerIds.1': 'spouseId' },
        legalBasisHint: ev === 'marriage' ? 'life.hint.marriage' : 'life.hint.divorce',
        submitLabel: ev === 'marriage' ? 'life.submit.marriage' : 'life.submit.divorce',
        toBody: (v) => ({ partnerIds: [idNumber, v.spouseId!.trim()], date: v.date }),
        send: (body, key) => recordEvent(ev === 'marriage' ? 'marriages' : 'divorces', body, key),
      };
  }
}

/** Which events the person's status allows (the server checks again and answers 409 otherwise). */
function available(record: PersonRecord): PersonEvent[] {
  if (record.status === 'deceased') return [];
  return PERSON_EVENTS.filter((e) => {
    if (record.status === 'missing') return e === 'missingRevoke' || e === 'death';
    if (e === 'missingRevoke') return false;
    if (e === 'marriage') return record.maritalStatus !== 'married';
    if (e === 'divorce') return record.maritalStatus === 'married';
    if (e === 'permanentDeregister') return !!record.permanentResidence;
    return true;
  });
}

/**
 * "Life events" on the person page (registrars): a menu of the events the person's status
 * allows, each opening its form in place, and a link to create a household the person heads. On success the page reads the record again and shows
 * the history with the new entry.
 */
export function LifeEventsSection({ idNumber, record, onRecorded }: { idNumber: string; record: PersonRecord; onRecorded(ev: PersonEvent): void }) {
  const { rt } = useText();
  return (
    <EventMenuSection
      id="life-events"
      heading={rt('life.title')}
      intro={rt('life.intro')}
      none={rt('life.none')}
      events={available(record)}
      titleOf={(e) => rt(MENU[e])}
      specOf={(e) => specOf(e, idNumber, record) as EventSpec<unknown>}
      formTestId={(e) => `life-form-${e}`}
      onDone={(e) => onRecorded(e)}
      extra={record.status === 'living' && (
        <Link to={`/registry/households/new?head=${idNumber}`} className="button button--secondary" onClick={() => offerHouseholdAddress(idNumber, record.permanentResidence)}>
          {rt('hhNew.title')}
        </Link>
      )}
    />
  );
}
