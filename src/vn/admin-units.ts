/**
 * Administrative units: the two-level system in force from 1 July 2025 (34 provinces, 3,321
 * communes) and the three-level system before it (63 provinces, 691 districts, 10,051 communes),
 * with the official conversion between them.
 *
 * Codes are unique within an era, not across eras: a 2025 commune code reuses an old ward code,
 * sometimes of another province. Store a commune code together with its province code and era.
 */
import { lazy, loadReferenceCsv } from './csv.ts';
import { compareVi, nfc, searchKey } from './text.ts';

export type ProvinceType2025 = 'tỉnh' | 'thành phố trung ương';
export type CommuneType2025 = 'xã' | 'phường' | 'đặc khu';
export type OldCommuneType = 'xã' | 'phường' | 'thị trấn';

export interface Province2025 { code: string; name: string; type: ProvinceType2025 }
export interface Commune2025 { code: string; name: string; type: CommuneType2025; provinceCode: string }
export interface OldProvince { code: string; name: string }
export interface OldDistrict { code: string; name: string; provinceCode: string }
export interface OldCommune { code: string; name: string; type: OldCommuneType; districtCode: string; provinceCode: string }

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const v = nfc(value).toLowerCase();
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`reference data: unknown ${what} type "${value}"`);
  return v as T;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, readonly T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it); else m.set(k, [it]);
  }
  return m;
}

function indexUnique<T>(items: readonly T[], key: (t: T) => string, what: string): Map<string, T> {
  const m = new Map<string, T>();
  for (const it of items) {
    const k = key(it);
    if (m.has(k)) throw new Error(`reference data: duplicate ${what} code ${k}`);
    m.set(k, it);
  }
  return m;
}

const freezeAll = <T extends object>(items: T[]): readonly T[] => Object.freeze(items.map((i) => Object.freeze(i)));

const current = lazy(() => {
  const provinces = freezeAll(loadReferenceCsv('provinces-2025.csv', ['code', 'name', 'type'] as const)
    .map((r): Province2025 => ({ code: r.code, name: nfc(r.name), type: oneOf(r.type, ['tỉnh', 'thành phố trung ương'] as const, 'province') })));
  const communes = freezeAll(loadReferenceCsv('communes-2025.csv', ['code', 'name', 'type', 'province_code'] as const)
    .map((r): Commune2025 => ({ code: r.code, name: nfc(r.name), type: oneOf(r.type, ['xã', 'phường', 'đặc khu'] as const, 'commune'), provinceCode: r.province_code })));
  const provinceByCode = indexUnique(provinces, (p) => p.code, '2025 province');
  // The 2025 commune codes are unique nationwide (checked here), so a code alone finds the commune.
  const communeByCode = indexUnique(communes, (c) => c.code, '2025 commune');
  for (const c of communes) if (!provinceByCode.has(c.provinceCode)) throw new Error(`reference data: commune ${c.code} in unknown province ${c.provinceCode}`);
  return { provinces, communes, provinceByCode, communeByCode, communesByProvince: groupBy(communes, (c) => c.provinceCode) };
});

const old = lazy(() => {
  const rows = loadReferenceCsv('communes-pre2025.csv', ['province_code', 'province_name', 'district_code', 'district_name', 'code', 'name', 'type'] as const);
  const provinces = new Map<string, OldProvince>();
  const districts = new Map<string, OldDistrict>();
  const communes: OldCommune[] = [];
  for (const r of rows) {
    if (!provinces.has(r.province_code)) provinces.set(r.province_code, { code: r.province_code, name: nfc(r.province_name) });
    if (!districts.has(r.district_code)) districts.set(r.district_code, { code: r.district_code, name: nfc(r.district_name), provinceCode: r.province_code });
    communes.push({ code: r.code, name: nfc(r.name), type: oneOf(r.type, ['xã', 'phường', 'thị trấn'] as const, 'old commune'), districtCode: r.district_code, provinceCode: r.province_code });
  }
  const communeList = freezeAll(communes);
  const districtList = freezeAll([...districts.values()]);
  return {
    provinces: freezeAll([...provinces.values()]),
    provinceByCode: provinces,
    districts: districtList,
    districtByCode: districts,
    districtsByProvince: groupBy(districtList, (d) => d.provinceCode),
    communes: communeList,
    communeByCode: indexUnique(communeList, (c) => c.code, 'pre-2025 commune'),
    communesByDistrict: groupBy(communeList, (c) => c.districtCode),
  };
});

export function provinces2025(): readonly Province2025[] {
  return current().provinces;
}

/** All 2025 communes, or those of one province. */
export function communes2025(provinceCode?: string): readonly Commune2025[] {
  const c = current();
  return provinceCode === undefined ? c.communes : c.communesByProvince.get(provinceCode) ?? [];
}

export function getProvince2025(code: string): Province2025 | undefined {
  return current().provinceByCode.get(code);
}

export function getCommune2025(code: string): Commune2025 | undefined {
  return current().communeByCode.get(code);
}

export function oldProvinces(): readonly OldProvince[] {
  return old().provinces;
}

export function getOldProvince(code: string): OldProvince | undefined {
  return old().provinceByCode.get(code);
}

export function oldDistricts(provinceCode?: string): readonly OldDistrict[] {
  const o = old();
  return provinceCode === undefined ? o.districts : o.districtsByProvince.get(provinceCode) ?? [];
}

export function getOldDistrict(code: string): OldDistrict | undefined {
  return old().districtByCode.get(code);
}

export function oldCommunes(districtCode?: string): readonly OldCommune[] {
  const o = old();
  return districtCode === undefined ? o.communes : o.communesByDistrict.get(districtCode) ?? [];
}

/** A commune of the list of 4 January 2025; a few created after it appear only in the conversion (see oldCommunesOf). */
export function getOldCommune(code: string): OldCommune | undefined {
  return old().communeByCode.get(code);
}

export function unitCounts(): { provinces2025: number; communes2025: number; oldProvinces: number; oldDistricts: number; oldCommunes: number } {
  const c = current();
  const o = old();
  return { provinces2025: c.provinces.length, communes2025: c.communes.length, oldProvinces: o.provinces.length, oldDistricts: o.districts.length, oldCommunes: o.communes.length };
}

// ---- search ----

export type Unit2025 = (Province2025 & { kind: 'province' }) | (Commune2025 & { kind: 'commune' });

const TYPE_WORDS = ['Phường ', 'Xã ', 'Đặc khu ', 'Tỉnh ', 'Thành phố '];

/** The name without its leading type word: "Phường Ba Đình" → "Ba Đình". */
function bareName(name: string): string {
  for (const w of TYPE_WORDS) if (name.startsWith(w)) return name.slice(w.length);
  return name;
}

const searchIndex = lazy(() => {
  const c = current();
  const units: Unit2025[] = [
    ...c.provinces.map((p) => Object.freeze({ ...p, kind: 'province' as const })),
    ...c.communes.map((m) => Object.freeze({ ...m, kind: 'commune' as const })),
  ];
  return units.map((unit) => {
    const bare = bareName(unit.name);
    return { unit, bare, bareKey: searchKey(bare), fullKey: ` ${searchKey(unit.name)} ` };
  });
});

/**
 * 2025 provinces and communes by name, diacritics optional: a unit matches when its name without
 * the type word ("Phường", "Xã", "Đặc khu", "Tỉnh", "Thành phố") starts with the query, or its
 * full name contains the query as whole words. Order: exact names, then names starting with the
 * query, then the rest, each in Vietnamese order of the name without its type word.
 * `provinceCode` keeps that province and its communes; `limit` defaults to all.
 */
export function findUnits2025(query: string, opts: { provinceCode?: string; limit?: number } = {}): Unit2025[] {
  const q = searchKey(query);
  if (q === '') return [];
  const word = ` ${q} `;
  const hits: Array<{ unit: Unit2025; bare: string; rank: number }> = [];
  for (const e of searchIndex()) {
    const { unit } = e;
    if (opts.provinceCode !== undefined && (unit.kind === 'province' ? unit.code : unit.provinceCode) !== opts.provinceCode) continue;
    const rank = e.bareKey === q || e.fullKey === word ? 0 : e.bareKey.startsWith(q) ? 1 : e.fullKey.includes(word) ? 2 : -1;
    if (rank >= 0) hits.push({ unit, bare: e.bare, rank });
  }
  hits.sort((a, b) => a.rank - b.rank || compareVi(a.bare, b.bare) || compareVi(a.unit.name, b.unit.name) || a.unit.code.localeCompare(b.unit.code));
  return hits.slice(0, opts.limit ?? hits.length).map((h) => h.unit);
}

// ---- conversion of pre-2025 communes ----

export interface CurrentUnit { commune: Commune2025; province: Province2025; whole: boolean; note: string }
export interface FormerUnit { commune: OldCommune; whole: boolean; note: string }

// The notes vary in wording and spelling ("Nhập toàn bộ", "Giữ nguyên", "Đổi tên", "Nhập một phần
// diện tích, toàn bộ dân số", "Phần còn lại sau khi tách một phần …"): anything naming a part is partial.
const PARTIAL_NOTE = /\bmot phan\b|\bphan con lai\b/;
const isWhole = (note: string): boolean => !PARTIAL_NOTE.test(searchKey(note));

const OLD_TYPES: ReadonlyArray<[string, OldCommuneType]> = [['thi tran ', 'thị trấn'], ['phuong ', 'phường'], ['xa ', 'xã']];

/** searchKey of an old commune name without its type word. */
function oldNameKey(name: string): string {
  const k = searchKey(name);
  const t = OLD_TYPES.find(([p]) => k.startsWith(p));
  return t ? k.slice(t[0].length) : k;
}

const conversion = lazy(() => {
  const c = current();
  const o = old();
  const byDistrictAndName = groupBy(o.communes, (m) => `${m.districtCode}|${oldNameKey(m.name)}`);
  const toNew = new Map<string, CurrentUnit[]>();
  const toOld = new Map<string, FormerUnit[]>();
  const links: Array<{ oldCommune: OldCommune; commune: Commune2025; province: Province2025; note: string; whole: boolean }> = [];
  const rows = loadReferenceCsv('conversion-2025.csv', ['new_province_code', 'new_code', 'old_province_code', 'old_district_code', 'old_code', 'old_name', 'note'] as const);
  for (const r of rows) {
    const commune = c.communeByCode.get(r.new_code);
    if (!commune || commune.provinceCode !== r.new_province_code) throw new Error(`conversion-2025.csv: unknown 2025 commune ${r.new_province_code}/${r.new_code}`);
    const province = c.provinceByCode.get(commune.provinceCode)!;
    const note = nfc(r.note);
    let oldCommune = o.communeByCode.get(r.old_code);
    // The official table has a few wrong old codes: the row names another commune of the same old
    // district (e.g. 01615 "Xã Mỹ Hưng", which is 01651; also 00553, 02485, 04075). Spelling variants
    // fold to the same key, so only a different commune's name triggers this.
    if (oldCommune && oldNameKey(oldCommune.name) !== oldNameKey(r.old_name)) {
      const named = byDistrictAndName.get(`${r.old_district_code}|${oldNameKey(r.old_name)}`);
      if (named?.length === 1) oldCommune = named[0]!;
    }
    // A few old communes were created after the 4 January 2025 list; describe them from the row itself.
    oldCommune ??= Object.freeze({
      code: r.old_code,
      name: nfc(r.old_name),
      type: OLD_TYPES.find(([p]) => searchKey(r.old_name).startsWith(p))?.[1] ?? 'xã',
      districtCode: r.old_district_code,
      provinceCode: r.old_province_code,
    });
    links.push({ oldCommune, commune, province, note, whole: isWhole(note) });
  }
  // "whole" means all of the old commune went into this one. A note can say so while the old
  // commune also has other rows (18796 Kỳ Lợi: all its area to one ward, parts of its people to two others).
  const rowsPerOld = groupBy(links, (l) => l.oldCommune.code);
  for (const l of links) {
    const whole = l.whole && rowsPerOld.get(l.oldCommune.code)!.length === 1;
    const n = toNew.get(l.oldCommune.code) ?? [];
    n.push(Object.freeze({ commune: l.commune, province: l.province, whole, note: l.note }));
    toNew.set(l.oldCommune.code, n);
    const f = toOld.get(l.commune.code) ?? [];
    f.push(Object.freeze({ commune: l.oldCommune, whole, note: l.note }));
    toOld.set(l.commune.code, f);
  }
  return { toNew, toOld };
});

/**
 * The 2025 commune(s) an old commune went into. Several when it was split; `whole` is true only
 * when all of it went into this one commune (the `note` of the official table says more). Empty for an unknown code and for the
 * few old communes the official table leaves out.
 */
export function currentUnitOfOldCommune(oldCommuneCode: string): readonly CurrentUnit[] {
  return conversion().toNew.get(oldCommuneCode) ?? [];
}

/** The old communes (or parts of them) a 2025 commune was formed from. */
export function oldCommunesOf(newCommuneCode: string): readonly FormerUnit[] {
  return conversion().toOld.get(newCommuneCode) ?? [];
}
