import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareIdentity, compareName, normaliseDate, readSex } from './compare.ts';
import { answerQuestion } from './partner.service.ts';
import type { PersonRecord } from '../registry/index.ts';

test('names: Vietnamese-aware, diacritic-insensitive only when asked and then reported as such', () => {
  const cases: Array<[string, string, 'exact' | 'diacritic_insensitive', string]> = [
    ['Nguyễn Văn An', 'Nguyễn Văn An', 'exact', 'match'],
    ['NGUYỄN  VĂN AN', 'Nguyễn Văn An', 'exact', 'match'],
    ['Nguyễn Văn An'.normalize('NFD'), 'Nguyễn Văn An', 'exact', 'match'],
    ['Lê Thị Hoà', 'Lê Thị Hòa', 'exact', 'match'],
    ['Đỗ Thuý', 'Đỗ Thúy', 'exact', 'match'],
    ['Nguyen Van An', 'Nguyễn Văn An', 'exact', 'mismatch'],
    ['Nguyen Van An', 'Nguyễn Văn An', 'diacritic_insensitive', 'match_ignoring_diacritics'],
    ['Do Thuy', 'Đỗ Thúy', 'diacritic_insensitive', 'match_ignoring_diacritics'],
    ['Nguyễn Văn Ân', 'Nguyễn Văn An', 'exact', 'mismatch'],
    ['Nguyễn Văn Anh', 'Nguyễn Văn An', 'diacritic_insensitive', 'mismatch'],
  ];
  for (const [stated, recorded, mode, expected] of cases) assert.equal(compareName(stated, recorded, mode), expected, `${stated} / ${recorded} (${mode})`);
});

test('dates: ISO full or partial, dd/mm/yyyy; impossible dates are not dates', () => {
  assert.equal(normaliseDate('1990-01-05'), '1990-01-05');
  assert.equal(normaliseDate('05/01/1990'), '1990-01-05');
  assert.equal(normaliseDate('1990'), '1990');
  assert.equal(normaliseDate('1990-02-30'), null);
  assert.equal(normaliseDate('yesterday'), null);
  assert.equal(readSex('Nữ'), 'female');
  assert.equal(readSex('M'), 'male');
  assert.equal(readSex('x'), null);
});

test('compareIdentity: verdicts only, card validity by the card the statement names', () => {
  const person = { idNumber: '001090012345', fullName: 'Trần Thị Bích', birthDate: '1990-01', sex: 'female' as const, status: 'living' as const };
  const cards = { hasValidCard: true, cards: [{ cardNo: 2, issueDate: '2024-05-01', expiryDate: '2055-01-01', status: 'valid' as const }, { cardNo: 1, issueDate: '2016-03-03', expiryDate: null, status: 'superseded' as const }] };
  const c = compareIdentity({ idNumber: person.idNumber, fullName: 'Trần Thị Bích', birthDate: '1990-01', sex: 'female', cardIssueDate: '2016-03-03', phone: '0912' }, person, cards, 'exact');
  assert.equal(c.outcome, 'match');
  assert.deepEqual(c.fields, { fullName: 'match', birthDate: 'match', sex: 'match', cardIssueDate: 'match', phone: 'not_checked' });
  assert.equal(c.cardValid, false, 'the superseded card the statement names is not valid');
  const d = compareIdentity({ idNumber: person.idNumber, birthDate: '1990-01-15' }, person, undefined, 'exact');
  assert.deepEqual(d.mismatched, ['birthDate']);
  assert.equal(d.cardValid, false);
  assert.equal(d.fields.fullName, 'not_provided');
  const n = compareIdentity({ idNumber: '001090099999', fullName: 'X' }, undefined, undefined, 'exact');
  assert.equal(n.outcome, 'not_found');
  assert.equal(n.personStatus, null);
  assert.deepEqual(n.compared, []);
});

test('questions: age counted from the latest possible birthday, residence of any kind or one kind, household', () => {
  const base = { idNumber: '001090012345', fullName: 'A', otherNames: null, sex: 'M', status: 'living', deathDate: null, nationality: 'VNM', synthetic: true, birthRegistration: null, origin: null, ethnicity: null, religion: null, maritalStatus: null, fatherId: null, motherId: null, spouseId: null, temporaryResidence: null, household: null } as const;
  const at = (provinceCode: string, communeCode: string) => ({ address: 'x', provinceCode, provinceName: null, communeCode, communeName: null });
  const r = { ...base, birthDate: '2008', permanentResidence: at('01', '00004'), currentResidence: at('79', '25747'), householdNo: 'HK1' } as unknown as PersonRecord;
  const on = { kind: 'full' as const, year: 2026, month: 6, day: 1 };
  assert.equal(answerQuestion(r, { kind: 'age_at_least', years: 18 }, null, on), false, 'born some time in 2008: 18 only from 31/12/2026');
  assert.equal(answerQuestion(r, { kind: 'age_at_least', years: 18 }, null, { kind: 'full', year: 2026, month: 12, day: 31 }), true);
  assert.equal(answerQuestion(r, { kind: 'resides_in', provinceCode: '79' }, null, on), true);
  assert.equal(answerQuestion(r, { kind: 'resides_in', provinceCode: '79', residence: 'permanent' }, null, on), false);
  assert.equal(answerQuestion(r, { kind: 'resides_in', provinceCode: '01', communeCode: '00070' }, null, on), false);
  assert.equal(answerQuestion(r, { kind: 'household_member_of', idNumber: 'x' }, { ...r, householdNo: 'HK1' }, on), true);
  assert.equal(answerQuestion(r, { kind: 'household_member_of', idNumber: 'x' }, { ...r, householdNo: null }, on), false);
});
