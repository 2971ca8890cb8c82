import { choicesOf, EventMenuSection, type EventSpec, type FieldSpec, type Option } from './LifeEventForm.tsx';
import { householdPath, recordEvent } from './registry.api.ts';
import type { Household } from './registry.types.ts';
import { useText, type PlainKey } from './text.ts';

export const HOUSEHOLD_EVENTS = ['head', 'member', 'remove', 'split', 'merge'] as const;
export type HouseholdEvent = (typeof HOUSEHOLD_EVENTS)[number];

const MENU: Record<HouseholdEvent, PlainKey> = {
  head: 'life.hh.menu.head',
  member: 'life.hh.menu.member',
  remove: 'life.hh.menu.remove',
  split: 'life.hh.menu.split',
  merge: 'life.hh.menu.merge',
};
export const householdEventTitle = (e: HouseholdEvent) => MENU[e];
const RELATIONS = ['Vợ', 'Chồng', 'Con', 'Cháu', 'Bố', 'Mẹ', 'Anh', 'Chị', 'Em', 'Khác'] as const;
const enc = encodeURIComponent;

/** The form of each household change; the server checks membership and status again (409 otherwise). */
function specOf(ev: HouseholdEvent, h: Household): EventSpec<object> {
  const no = h.householdNo;
  const send = (path: string) => (body: object, key: string) => recordEvent(householdPath(no, path), body, key);
  // Living members other than the head: the ones a change can pick.
  const others: Option[] = h.members.filter((m) => m.idNumber !== h.headId && m.status !== 'deceased').map((m) => ({ value: m.idNumber, label: `${m.fullName} (${m.idNumber})` }));
  const relation = (name: string, labelText?: string): FieldSpec => ({ name, kind: 'text', label: 'life.hh.relation', labelText, hint: 'life.hh.relationHint', maxLength: 40, suggestions: RELATIONS });
  const base = { legalBasisHint: 'life.hh.hint', submitLabel: `life.hh.submit.${ev}` } as const;
  switch (ev) {
    case 'head':
      return {
        ...base,
        fields: [
          { name: 'newHeadId', kind: 'select', label: 'life.hh.newHead', hint: 'life.hh.newHeadHint', options: others },
          { name: 'formerHeadRelation', kind: 'text', label: 'life.hh.formerHeadRelation', hint: 'life.hh.formerHeadHint', optional: true, maxLength: 40, suggestions: RELATIONS },
        ],
        toBody: (v) => ({ newHeadId: v.newHeadId, ...(v.formerHeadRelation?.trim() ? { formerHeadRelation: v.formerHeadRelation.trim() } : {}) }),
        send: send('head'),
      };
    case 'member':
      return {
        ...base,
        fields: [{ name: 'idNumber', kind: 'idNumber', label: 'life.hh.memberId' }, { ...relation('relationToHead') }],
        codeFields: { REGISTRY_PERSON_NOT_FOUND: 'idNumber' },
        toBody: (v) => ({ idNumber: v.idNumber!.trim(), relationToHead: v.relationToHead!.trim() }),
        send: send('members'),
      };
    case 'remove':
      return {
        ...base,
        fields: [{ name: 'idNumber', kind: 'select', label: 'life.hh.removeWho', hint: 'life.hh.removeHint', options: others }],
        // The person is in the path; the body is the legal basis and reason only.
        toBody: (v) => ({ idNumber: v.idNumber }),
        send: (all, key) => {
          const { idNumber, ...body } = all as { idNumber: string; legalBasis: string; reason?: string };
          return recordEvent(householdPath(no, `members/${enc(idNumber)}/remove`), body, key);
        },
      };
    case 'split':
      return {
        ...base,
        intro: 'life.hh.intro.split',
        fields: [
          { name: 'memberIds', kind: 'choices', label: 'life.hh.splitMembers', hint: 'life.hh.splitMembersHint', options: others },
          { name: 'newHeadId', kind: 'select', label: 'life.hh.splitHead', options: others, check: (v, all) => (choicesOf(all.memberIds).includes(v) ? null : 'life.hh.splitHeadNotIn') },
        ],
        serverFields: { 'memberIds.*': 'memberIds' },
        toBody: (v) => ({ memberIds: choicesOf(v.memberIds), newHeadId: v.newHeadId }),
        send: send('split'),
      };
    case 'merge': {
      const members = h.members.filter((m) => m.status !== 'deceased');
      return {
        ...base,
        intro: 'life.hh.intro.merge',
        fields: [
          { name: 'intoHouseholdNo', kind: 'text', label: 'life.hh.intoHouseholdNo', hint: 'life.hh.intoHint', maxLength: 40, check: (v) => (v.trim() === no ? 'life.hh.intoSelf' : null) },
          ...members.map((m) => relation(`rel-${m.idNumber}`, `${m.fullName} (${m.idNumber})`)),
        ],
        serverFields: Object.fromEntries(members.map((m) => [`relations.${m.idNumber}`, `rel-${m.idNumber}`])),
        codeFields: { REGISTRY_HOUSEHOLD_NOT_FOUND: 'intoHouseholdNo' },
        toBody: (v) => ({ intoHouseholdNo: v.intoHouseholdNo!.trim(), relations: Object.fromEntries(members.map((m) => [m.idNumber, (v[`rel-${m.idNumber}`] ?? '').trim()])) }),
        send: send('merge'),
      };
    }
  }
}

/** The household a split created or a merge joined (the server's answer), shown as a link. */
function otherHousehold(ev: HouseholdEvent, result: unknown): string | null {
  const r = result as { householdNo?: string; newHouseholdNo?: string } | null;
  if (ev === 'split') return r?.newHouseholdNo ?? null;
  if (ev === 'merge') return r?.householdNo ?? null;
  return null;
}

/** Which changes make sense for the household now (the server checks again). */
function available(h: Household): HouseholdEvent[] {
  if (h.status !== 'active') return [];
  const others = h.members.some((m) => m.idNumber !== h.headId && m.status !== 'deceased');
  return HOUSEHOLD_EVENTS.filter((e) => e === 'member' || e === 'merge' || others);
}

/**
 * "Household changes" on the household page (registrars): a menu of changes, each opening its
 * form in the life-event shell. On success the page reads the household again.
 */
export function HouseholdEventsSection({ household, onRecorded }: { household: Household; onRecorded(ev: HouseholdEvent, otherHousehold: string | null): void }) {
  const { rt } = useText();
  return (
    <EventMenuSection
      id="household-events"
      heading={rt('life.hh.title')}
      intro={rt('life.hh.intro')}
      none={rt('life.hh.none')}
      events={available(household)}
      titleOf={(e) => rt(MENU[e])}
      specOf={(e) => specOf(e, household) as EventSpec<unknown>}
      formTestId={(e) => `household-form-${e}`}
      onDone={(e, result) => onRecorded(e, otherHousehold(e, result))}
    />
  );
}
