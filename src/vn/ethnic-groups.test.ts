import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ethnicGroups, getEthnicGroup, findEthnicGroup } from './ethnic-groups.ts';

describe('ethnicGroups', () => {
  test('54 groups and 55 = foreigner, codes 01–55 in order', () => {
    const list = ethnicGroups();
    assert.equal(list.length, 55);
    assert.deepEqual(list.map((g) => g.code), Array.from({ length: 55 }, (_, i) => String(i + 1).padStart(2, '0')));
  });

  const byCode: Array<[string, string | undefined]> = [['01', 'Kinh'], ['12', 'Ê Đê'], ['55', 'Người nước ngoài'], [' 04 ', 'Hoa'], ['56', undefined], ['1', undefined], ['', undefined]];
  for (const [code, name] of byCode) test(`getEthnicGroup(${JSON.stringify(code)}) → ${name}`, () => assert.equal(getEthnicGroup(code)?.name, name));
});

describe('findEthnicGroup', () => {
  const cases: Array<[string, string | undefined]> = [
    ['Kinh', '01'], ['kinh', '01'], ['KINH', '01'],
    ['Tày', '02'], ['tay', '02'], ['Tay', '02'],
    ['Ê Đê', '12'], ['Ê-đê', '12'], ['ede', '12'],
    ['Ba Na', '13'], ['Ba-na', '13'], ['Bana', '13'],
    ['Hmông', '08'], ["H'Mông", '08'], ['hmong', '08'],
    ['Khơ-me', '05'], ['Bru - Vân Kiều', '23'], ['Người nước ngoài', '55'],
    ['Thái', '03'], ['Thai', '03'],
    ['Mông', undefined], ['xyz', undefined], ['', undefined], ['  ', undefined],
  ];
  for (const [name, code] of cases) test(`${JSON.stringify(name)} → ${code}`, () => assert.equal(findEthnicGroup(name)?.code, code));
});
