import assert from 'node:assert/strict';
import type { TestApp } from './app.ts';

export const HN = { provinceCode: '01', communeCode: '00004' }; // Phường Ba Đình, Hà Nội
export const HN2 = { provinceCode: '01', communeCode: '00070' }; // Phường Hoàn Kiếm, Hà Nội
export const HCM = { provinceCode: '79', communeCode: '25747' }; // Phường Thủ Dầu Một, TP Hồ Chí Minh
export const LEGAL = { legalBasis: 'Luật Hộ tịch 2014, Điều 16' };

let n = 0;
/** Registers a birth through the API and returns the new ID number. */
export async function born(t: TestApp, headers: Record<string, string>, p: { fullName: string; sex: 'male' | 'female'; birthDate: string; at?: { provinceCode: string; communeCode: string }; fatherId?: string; motherId?: string; householdNo?: string }): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/registry/births', headers, payload: { ...LEGAL, fullName: p.fullName, sex: p.sex, birthDate: p.birthDate, birthRegistration: p.at ?? HN, fatherId: p.fatherId, motherId: p.motherId, householdNo: p.householdNo } });
  assert.equal(res.statusCode, 201, res.body);
  n++;
  return res.json().idNumber;
}

/** A person with a permanent residence, heading a new household at `at`. */
export async function resident(t: TestApp, headers: Record<string, string>, p: { fullName: string; sex: 'male' | 'female'; birthDate: string; at?: { provinceCode: string; communeCode: string } }): Promise<{ idNumber: string; householdNo: string }> {
  const at = p.at ?? HN;
  const idNumber = await born(t, headers, { ...p, at });
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/registry/people/${idNumber}/permanent-residence`, headers, payload: { legalBasis: 'Luật Cư trú 2020, Điều 20', residence: { address: `Số ${10 + n}, phố Đội Cấn`, ...at } } });
  assert.equal(res.statusCode, 200, res.body);
  return { idNumber, householdNo: res.json().householdNo };
}
