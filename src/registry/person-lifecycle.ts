/** Statuses a person can be in, and which life events each allows. The compiler checks every event is listed. */
export const PERSON_STATUSES = ['living', 'missing', 'deceased'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

export const EVENT_KINDS = [
  'birth_registered',
  'death_registered',
  'missing_declared',
  'missing_revoked',
  'permanent_residence_registered',
  'permanent_residence_deregistered',
  'temporary_residence_registered',
  'current_residence_changed',
  'household_created',
  'household_head_changed',
  'household_member_added',
  'household_member_removed',
  'household_split',
  'household_merged',
  'marriage_registered',
  'divorce_registered',
  'correction_requested',
  'correction_approved',
  'correction_rejected',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Statuses of the subject person in which each event may be recorded (birth creates the person). */
export const ALLOWED_IN = {
  birth_registered: [],
  death_registered: ['living', 'missing'],
  missing_declared: ['living'],
  missing_revoked: ['missing'],
  permanent_residence_registered: ['living'],
  permanent_residence_deregistered: ['living', 'missing', 'deceased'],
  temporary_residence_registered: ['living'],
  current_residence_changed: ['living'],
  household_created: ['living'],
  household_head_changed: ['living'],
  household_member_added: ['living'],
  household_member_removed: ['living', 'missing', 'deceased'],
  household_split: ['living'],
  household_merged: ['living'],
  marriage_registered: ['living'],
  divorce_registered: ['living', 'missing'],
  correction_requested: ['living', 'missing', 'deceased'],
  correction_approved: ['living', 'missing', 'deceased'],
  correction_rejected: ['living', 'missing', 'deceased'],
} as const satisfies Record<EventKind, readonly PersonStatus[]>;

export function allowedIn(kind: EventKind, status: PersonStatus): boolean {
  return (ALLOWED_IN[kind] as readonly PersonStatus[]).includes(status);
}

/** Outbox topics, `noun.past_participle` (docs/events.md lists them). */
export const TOPIC: Record<EventKind, string> = {
  birth_registered: 'person.registered',
  death_registered: 'person.deceased',
  missing_declared: 'person.declared_missing',
  missing_revoked: 'person.missing_revoked',
  permanent_residence_registered: 'residence.permanent_registered',
  permanent_residence_deregistered: 'residence.permanent_deregistered',
  temporary_residence_registered: 'residence.temporary_registered',
  current_residence_changed: 'residence.current_changed',
  household_created: 'household.created',
  household_head_changed: 'household.head_changed',
  household_member_added: 'household.member_added',
  household_member_removed: 'household.member_removed',
  household_split: 'household.split',
  household_merged: 'household.merged',
  marriage_registered: 'person.married',
  divorce_registered: 'person.divorced',
  correction_requested: 'person.correction_requested',
  correction_approved: 'person.corrected',
  correction_rejected: 'person.correction_rejected',
};
