/**
 * Deterministic synthetic population: `generateBatch(seed, batch, peoplePerBatch)` is a pure function
 * of its arguments, so any batch can be regenerated on its own (what makes the loader resumable).
 * Every row is labelled `synthetic = true`: these are not real people.
 *
 * Realism (all approximate, meant to look plausible, not to be statistics):
 * - Households built as families: head, spouse, children born to the mother at 18–45, sometimes the
 *   head's parents, sometimes a married adult child with spouse and grandchildren, a few others.
 *   Parameters tuned so that the age structure comes out near Vietnam's 2019 census shape
 *   (≈24% under 15, ≈68% 15–64, ≈8% 65+; sex ratio ≈1.11 at young ages, more women at old ages)
 *   and the mean household size near 3.5 (1–8 people).
 * - Province weights: rough 2024 populations of the 34 provinces formed on 1 July 2025.
 * - Ethnicity and religion: rough regional shares (2019 census orders of magnitude).
 *
 * ID numbers (DOMAIN.md §2): birth registration code, century/sex digit, 2-digit birth year, and a
 * 6-digit serial. Uniqueness without a global set: people are put in buckets (code, digit 4, year);
 * inside a batch each person gets the next rank r in their bucket; the serial is
 * P_bucket(batch · K + r) where K is the per-batch block (`serialBlock`) and P_bucket a keyed
 * bijection of [0, 10^6) (a Feistel network tweaked by the bucket, so serials look random). Two people in the same bucket: same batch → different r; different batches → disjoint
 * blocks; P is a bijection; so their serials differ. People in different buckets differ in the
 * first 6 digits. Asserted: r < K and batch · K + r < 10^6 (else generation throws).
 */
import type { PersonRow as RegistryPersonRow, HouseholdRow as RegistryHouseholdRow, MaritalStatus } from '../registry/registry.types.ts';
import {
  birthRegistrationCodeForProvince2025, birthRegistrationCodes, communes2025, ethnicGroups, oldCommunesOf, provinces2025,
  searchKey,
} from '../vn/index.ts';
import { personName, spellingVariant, surnames, type NameGroup, type NamePart, type Region, type Sex } from './names.ts';
import { mix32, Permutation1e6, Rng, Weighted } from './random.ts';

// ---- rows ---------------------------------------------------------------------------------------

/** The registry's row types, as the loader writes them (version, created_at, updated_at take their defaults). */
export type PersonRow = Omit<RegistryPersonRow, 'version'> & { synthetic: true };
export type HouseholdRow = RegistryHouseholdRow & { status: 'active'; synthetic: true };
export type { MaritalStatus };
export type { PersonStatus } from '../registry/person-lifecycle.ts';

export interface Batch {
  people: PersonRow[];
  households: HouseholdRow[];
}

export interface GenerateOptions {
  /**
   * People in this batch, at most `peoplePerBatch` (default: peoplePerBatch). The last batch of a
   * load is shorter; numbering (ID serial blocks, household numbers) always follows peoplePerBatch.
   */
  people?: number;
}

/** Marks a near-duplicate row in other_names: `synthetic-near-duplicate-of:<id of the original>`. */
export const NEAR_DUPLICATE_MARK = 'synthetic-near-duplicate-of:';
/** The population is as of this day: nobody is born after it, temporary residences run past it. */
export const REFERENCE_DATE = '2026-07-01';
/** Target share of near-duplicate rows. */
export const NEAR_DUPLICATE_SHARE = 0.001;
/** Synthetic household numbers are HK + province + 10 digits starting with 9 (sequence numbers start at 0000000001). */
const HOUSEHOLD_BASE = 9_000_000_000;

/** Serial block per batch: the most people one bucket (code, sex/century, year) may take in one batch. */
export function serialBlock(peoplePerBatch: number): number {
  return Math.max(64, Math.ceil(peoplePerBatch / 250));
}

/** How many batches of this size fit in the serial space (10^6 per bucket). */
export function maxBatches(peoplePerBatch: number): number {
  return Math.floor(1_000_000 / serialBlock(peoplePerBatch));
}

// ---- calendar -----------------------------------------------------------------------------------

const DAY0_YEAR = 1900;
const LAST_YEAR = 2031;
const DAY_Y: number[] = [];
const DAY_M: number[] = [];
const DAY_D: number[] = [];
const YEAR_START: number[] = [];
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
for (let y = DAY0_YEAR; y <= LAST_YEAR; y++) {
  YEAR_START[y - DAY0_YEAR] = DAY_Y.length;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  for (let m = 1; m <= 12; m++) {
    const n = m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!;
    for (let d = 1; d <= n; d++) { DAY_Y.push(y); DAY_M.push(m); DAY_D.push(d); }
  }
}
const LAST_DAY = DAY_Y.length - 1;
const PAD2 = Array.from({ length: 32 }, (_, i) => String(i).padStart(2, '0'));
function dayOf(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  let n = YEAR_START[y - DAY0_YEAR]!;
  for (let i = 1; i < m; i++) n += i === 2 && isLeap(y) ? 29 : MONTH_DAYS[i - 1]!;
  return n + d - 1;
}
function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
function isoDay(n: number): string {
  return `${DAY_Y[n]}-${PAD2[DAY_M[n]!]}-${PAD2[DAY_D[n]!]}`;
}
const YEAR = 365.2425;
const REF_DAY = dayOf(REFERENCE_DATE);
const MERGER_DAY = dayOf('2025-07-01');
const REF_YEAR = DAY_Y[REF_DAY]!;

// ---- reference tables ---------------------------------------------------------------------------

/** Rough 2024 population (millions) of the 2025 provinces (sum of the provinces merged into each). */
const PROVINCE_POPULATION: Record<string, number> = {
  '01': 8.7, '04': 0.57, '08': 1.87, '11': 0.64, '12': 0.48, '14': 1.33, '15': 1.78, '19': 1.8, '20': 0.8,
  '22': 1.4, '24': 3.6, '25': 4.0, '31': 4.7, '33': 3.6, '37': 4.4, '38': 4.3, '40': 3.8, '42': 1.6,
  '44': 1.9, '46': 1.4, '48': 3.1, '51': 2.2, '52': 3.6, '56': 2.2, '66': 3.3, '68': 3.9, '75': 4.5,
  '79': 14.0, '80': 3.3, '82': 4.4, '86': 4.3, '91': 4.95, '92': 4.2, '96': 2.6,
};

function regionOf(provinceCode: string): Region {
  const n = Number(provinceCode);
  if (n <= 37) return 'north';
  if (n <= 46) return 'northcentral';
  if (n <= 68) return 'central';
  return 'south';
}

/** Ethnic composition by 2025 province (percent; codes of ethnic-groups.csv); default mostly Kinh. */
const ETHNIC_MIX: Record<string, string> = {
  '01': '01:98.7 06:0.7 02:0.3 03:0.1 07:0.1 09:0.1',
  '04': '02:41 07:31 08:11 09:10 01:5 15:2',
  '08': '01:26 02:23 08:18 09:13 07:5 15:5 25:2',
  '11': '03:34 08:37 01:19 29:3 09:1 35:1',
  '12': '08:35 03:32 01:14 09:13 35:3 25:3',
  '14': '03:53 01:16 08:16 06:8 09:2 29:1',
  '15': '01:40 08:18 02:13 09:12 03:6 07:3 25:2 06:1',
  '19': '01:65 02:19 07:6 09:5 15:2 18:2 08:1',
  '20': '07:42 02:35 01:16 09:4 15:1 04:1 08:1',
  '22': '01:88 09:5 02:3 18:2 15:1 04:1',
  '24': '01:91 07:3 02:2.5 15:1.5 18:1 04:0.5 09:0.5',
  '25': '01:75 06:21 09:1.5 02:1 03:1 18:0.5',
  '37': '01:99 06:1',
  '38': '01:84 06:9 03:6 08:0.5 09:0.3',
  '40': '01:86 03:10 29:1.2 08:1 24:0.8',
  '44': '01:95 23:4 31:0.5 44:0.3',
  '46': '01:97 31:1.5 26:1 23:0.5',
  '48': '01:95 26:2.5 14:1.3 27:1',
  '51': '01:74 14:10 19:6 13:5 27:2 30:2',
  '52': '01:73 10:18 13:8 19:0.5',
  '56': '01:88 17:6 21:5 16:0.5 04:0.5',
  '66': '01:78 12:11 07:2.5 02:2 20:1.5 10:1 13:0.5 09:0.5 08:0.5',
  '68': '01:85 16:6 20:2.5 17:1.2 28:1.2 02:1 07:1 04:0.6 21:0.5',
  '75': '01:91 22:2.5 04:2.5 07:1.5 02:1 05:0.7 32:0.5',
  '79': '01:94 04:4.5 05:0.4 02:0.3 07:0.3 06:0.2 17:0.1',
  '80': '01:99 05:0.5 17:0.2 04:0.2',
  '86': '01:89.5 05:10 04:0.5',
  '91': '01:91 05:7 04:1.3 17:0.5',
  '92': '01:84 05:13 04:3',
  '96': '01:94 05:4 04:2',
};
const DEFAULT_ETHNIC_MIX = '01:99.8 06:0.1 02:0.1';

const NAME_GROUP_OF_ETHNICITY: Record<string, NameGroup> = {
  '02': 'tay_nung', '07': 'tay_nung', '15': 'tay_nung', '25': 'tay_nung',
  '08': 'hmong', '03': 'thai', '29': 'thai', '06': 'muong', '24': 'muong', '09': 'dao', '18': 'dao',
  '05': 'khmer', '04': 'hoa', '17': 'cham',
  '10': 'highlands', '12': 'highlands', '13': 'highlands', '14': 'highlands', '16': 'highlands', '19': 'highlands',
  '20': 'highlands', '21': 'highlands', '22': 'highlands', '23': 'highlands', '26': 'highlands', '27': 'highlands',
  '28': 'highlands', '30': 'highlands', '31': 'highlands', '32': 'highlands', '44': 'highlands',
};

/** Religion of Kinh households by province (percent); others use DEFAULT_RELIGION. */
const RELIGION_MIX: Record<string, string> = {
  '01': 'Không:92 Phật_giáo:4 Công_giáo:3.5 Tin_lành:0.5',
  '37': 'Không:78 Công_giáo:19 Phật_giáo:3',
  '33': 'Không:90 Công_giáo:9 Phật_giáo:1',
  '40': 'Không:92 Công_giáo:7 Phật_giáo:1',
  '42': 'Không:90 Công_giáo:9 Phật_giáo:1',
  '44': 'Không:88 Công_giáo:10 Phật_giáo:2',
  '46': 'Không:65 Phật_giáo:30 Công_giáo:4.5 Tin_lành:0.5',
  '48': 'Không:83 Phật_giáo:10 Công_giáo:5 Tin_lành:1 Cao_Đài:1',
  '52': 'Không:80 Phật_giáo:8 Công_giáo:7 Tin_lành:4 Cao_Đài:1',
  '56': 'Không:80 Phật_giáo:12 Công_giáo:7 Tin_lành:1',
  '66': 'Không:73 Công_giáo:10 Phật_giáo:8 Tin_lành:8 Cao_Đài:1',
  '68': 'Không:65 Công_giáo:20 Phật_giáo:8 Tin_lành:6 Cao_Đài:1',
  '75': 'Không:55 Công_giáo:30 Phật_giáo:10 Tin_lành:2 Cao_Đài:1.5 Phật_giáo_Hòa_Hảo:1.5',
  '79': 'Không:72 Phật_giáo:14 Công_giáo:10 Cao_Đài:1.5 Tin_lành:1.5 Phật_giáo_Hòa_Hảo:1',
  '80': 'Không:66 Cao_Đài:20 Phật_giáo:9 Công_giáo:4 Tin_lành:1',
  '82': 'Không:75 Phật_giáo_Hòa_Hảo:10 Phật_giáo:7 Cao_Đài:4 Công_giáo:3 Tin_lành:1',
  '86': 'Không:78 Phật_giáo:8 Công_giáo:6 Cao_Đài:6 Phật_giáo_Hòa_Hảo:1 Tin_lành:1',
  '91': 'Không:62 Phật_giáo_Hòa_Hảo:22 Phật_giáo:10 Công_giáo:3 Cao_Đài:2 Tin_lành:1',
  '92': 'Không:72 Phật_giáo:11 Phật_giáo_Hòa_Hảo:10 Cao_Đài:3 Công_giáo:3 Tin_lành:1',
  '96': 'Không:80 Phật_giáo:10 Công_giáo:4 Cao_Đài:4 Tin_lành:1 Phật_giáo_Hòa_Hảo:1',
};
const DEFAULT_RELIGION = 'Không:90 Phật_giáo:5 Công_giáo:4 Tin_lành:0.7 Cao_Đài:0.3';
const RELIGION_BY_GROUP: Partial<Record<NameGroup, string>> = {
  khmer: 'Phật_giáo:93 Không:6 Công_giáo:1',
  hoa: 'Không:55 Phật_giáo:40 Công_giáo:5',
  hmong: 'Không:70 Tin_lành:25 Công_giáo:5',
  highlands: 'Không:48 Tin_lành:30 Công_giáo:20 Phật_giáo:2',
  cham: 'Không:40 Hồi_giáo:35 Bà-la-môn:25',
  tay_nung: 'Không:93 Phật_giáo:3 Tin_lành:2 Công_giáo:2',
};

/** `religiousScale` scales every religion but 'Không' (the province tables overstate them a little). */
function mix(spec: string, religiousScale = 1): Weighted<string> {
  return new Weighted(spec.trim().split(/\s+/).map((t) => {
    const [k, v] = t.split(':');
    const name = k!.replace(/_/g, ' ');
    return [name, name === 'Không' ? Number(v) : Number(v) * religiousScale] as const;
  }));
}

/** Where people born elsewhere came from: weight of emigration by region of the old province. */
const EMIGRATION_FACTOR: Record<Region, number> = { north: 1.0, northcentral: 1.6, central: 1.1, south: 1.2 };
/** Share of adults born in another old province, by 2025 province of residence. */
const IMMIGRANT_SHARE: Record<string, number> = { '79': 0.35, '01': 0.22, '75': 0.25, '24': 0.15, '48': 0.12, '31': 0.1, '92': 0.08, '22': 0.1 };
const DEFAULT_IMMIGRANT_SHARE = 0.05;
/** Where temporary residents live. */
const TEMP_DESTINATION: Record<string, number> = { '79': 35, '01': 20, '75': 8, '24': 8, '48': 5, '31': 5, '92': 3, '22': 3, '56': 2, '19': 2 };

const STREETS = ('Lê Lợi|Trần Hưng Đạo|Nguyễn Trãi|Hai Bà Trưng|Lý Thường Kiệt|Quang Trung|Hùng Vương|Lê Duẩn|Nguyễn Huệ|'
  + 'Điện Biên Phủ|Phan Chu Trinh|Phan Bội Châu|Nguyễn Du|Hoàng Diệu|Trần Phú|Lê Lai|Bà Triệu|Nguyễn Thị Minh Khai|Võ Thị Sáu|'
  + 'Cách Mạng Tháng Tám|Ngô Quyền|Đinh Tiên Hoàng|Lạc Long Quân|Âu Cơ|Tôn Đức Thắng|Nguyễn Văn Cừ|Lê Thánh Tông|Trường Chinh|'
  + 'Võ Văn Kiệt|Phạm Văn Đồng|Nguyễn Chí Thanh|Hoàng Quốc Việt|Giải Phóng|Nguyễn Văn Linh|30 Tháng 4|3 Tháng 2|Lê Hồng Phong|'
  + 'Trần Quang Khải|Nguyễn Đình Chiểu|Chu Văn An|Yết Kiêu|Pasteur|Hàm Nghi|Hoàng Văn Thụ|Nguyễn Tất Thành|Lý Thái Tổ|Tô Hiến Thành').split('|');
const VILLAGES = ('Đông|Tây|Nam|Bắc|Thượng|Hạ|Trung|Phú Xuân|An Lạc|Tân Lập|Tân Thành|Bình An|Hòa Bình|Thống Nhất|Đoàn Kết|'
  + 'Quyết Tiến|Đồng Tâm|Phú Lợi|Long Hưng|Mỹ Phước|Thạnh Lợi|Vĩnh Phú|Hưng Thịnh|Thuận An|Xuân Hòa|Cẩm Tú|Làng Mới|Đại Đồng|'
  + 'Tiền Phong|Hòa Lạc|Phú Mỹ|An Phú|Tân Hòa|Yên Thịnh|Đồng Xuân|Kim Sơn|Ninh Hiệp|Cổ Loa|Vân Hà|Bình Minh').split('|');
const HIGHLAND_VILLAGES = 'Nà Pồng|Pác Bó|Huổi Lóng|Tả Van|Sín Chải|Nà Hang|Bản Phố|Pa Cheo|Lùng Phìn|Mường Hoa|Plei Ơi|Buôn Đôn|Kon Tum Kơ Nâm|Bon Bu Prâng'.split('|');
const NORTH_MOUNTAIN = new Set(['04', '08', '11', '12', '14', '15', '19', '20']);

interface CommuneInfo {
  code: string;
  provinceCode: string;
  urban: boolean;
  region: Region;
  /** Birth registration codes for births before 1 July 2025: those of the old provinces this commune came from. */
  oldBirthCodes: readonly string[];
  former: ReadonlyArray<{ commune: string; district: string; province: string }>;
}

interface ProvinceInfo {
  code: string;
  region: Region;
  newBirthCode: string;
  communes: Weighted<CommuneInfo>;
  communeList: readonly CommuneInfo[];
  ethnic: Weighted<string>;
  religion: Weighted<string>;
  immigrantShare: number;
}

interface Tables {
  provinces: Weighted<ProvinceInfo>;
  provinceByCode: Map<string, ProvinceInfo>;
  /** Old (pre-2025) birth registration code → 2025 province it lies in. */
  newProvinceOfOldCode: Map<string, string>;
  emigrants: Weighted<string>;
  tempDestinations: Weighted<ProvinceInfo>;
  religionByGroup: Map<NameGroup, Weighted<string>>;
}

let tables: Tables | undefined;

function buildTables(): Tables {
  const knownEthnic = new Set(ethnicGroups().map((e) => e.code));
  const oldCodes = new Set(birthRegistrationCodes().map((c) => c.code));
  const provinceByCode = new Map<string, ProvinceInfo>();
  const oldToNewVotes = new Map<string, Map<string, number>>();
  const provinceEntries: Array<[ProvinceInfo, number]> = [];
  for (const p of provinces2025()) {
    const region = regionOf(p.code);
    const list: CommuneInfo[] = [];
    const weights: Array<[CommuneInfo, number]> = [];
    for (const c of communes2025(p.code)) {
      const former = oldCommunesOf(c.code).map((f) => ({ commune: f.commune.code, district: f.commune.districtCode, province: f.commune.provinceCode }));
      const codes = [...new Set(former.map((f) => `0${f.province}`).filter((k) => oldCodes.has(k)))];
      for (const f of former) {
        const votes = oldToNewVotes.get(`0${f.province}`) ?? new Map<string, number>();
        votes.set(p.code, (votes.get(p.code) ?? 0) + 1);
        oldToNewVotes.set(`0${f.province}`, votes);
      }
      const info: CommuneInfo = {
        code: c.code, provinceCode: p.code, urban: c.type === 'phường', region,
        oldBirthCodes: codes.length ? codes : [birthRegistrationCodeForProvince2025(p.code)],
        former,
      };
      list.push(info);
      weights.push([info, c.type === 'phường' ? 1.6 : c.type === 'đặc khu' ? 0.4 : 1]);
    }
    if (!list.length) continue;
    const ethnic = mix(ETHNIC_MIX[p.code] ?? DEFAULT_ETHNIC_MIX);
    for (const e of ethnic.items) if (!knownEthnic.has(e)) throw new Error(`synth: unknown ethnicity code ${e}`);
    const info: ProvinceInfo = {
      code: p.code, region, newBirthCode: birthRegistrationCodeForProvince2025(p.code),
      communes: new Weighted(weights), communeList: list, ethnic,
      religion: mix(RELIGION_MIX[p.code] ?? DEFAULT_RELIGION, 0.65),
      immigrantShare: IMMIGRANT_SHARE[p.code] ?? DEFAULT_IMMIGRANT_SHARE,
    };
    provinceByCode.set(p.code, info);
    provinceEntries.push([info, PROVINCE_POPULATION[p.code] ?? 1]);
  }
  const newProvinceOfOldCode = new Map<string, string>();
  for (const [code, votes] of oldToNewVotes) {
    if (!oldCodes.has(code)) continue;
    const best = [...votes].sort((a, b) => b[1] - a[1])[0]!;
    newProvinceOfOldCode.set(code, best[0]);
  }
  // Emigration weight of an old province: its share of its new province's population × a regional factor.
  const oldPerNew = new Map<string, number>();
  for (const n of newProvinceOfOldCode.values()) oldPerNew.set(n, (oldPerNew.get(n) ?? 0) + 1);
  const emigrants = new Weighted([...newProvinceOfOldCode].map(([oldCode, n]) => [oldCode, ((PROVINCE_POPULATION[n] ?? 1) / oldPerNew.get(n)!) * EMIGRATION_FACTOR[regionOf(n)]] as const));
  const tempDestinations = new Weighted(provinceEntries.map(([p, pop]) => [p, (TEMP_DESTINATION[p.code] ?? 0) + pop / 10] as const));
  const religionByGroup = new Map<NameGroup, Weighted<string>>();
  for (const [g, spec] of Object.entries(RELIGION_BY_GROUP)) religionByGroup.set(g as NameGroup, mix(spec));
  return { provinces: new Weighted(provinceEntries), provinceByCode, newProvinceOfOldCode, emigrants, tempDestinations, religionByGroup };
}

function getTables(): Tables {
  tables ??= buildTables();
  return tables;
}

// ---- demography ---------------------------------------------------------------------------------

/** Age of household heads (single years 18–99, by band weights). */
const HEAD_AGE = (() => {
  const bands: Array<[number, number, number]> = [
    [18, 24, 2.5], [25, 29, 7], [30, 34, 11.5], [35, 39, 12], [40, 44, 11], [45, 49, 10], [50, 54, 9.5], [55, 59, 8.5],
    [60, 64, 7], [65, 69, 5], [70, 74, 3.2], [75, 79, 2.2], [80, 84, 1.5], [85, 89, 0.8], [90, 99, 0.3],
  ];
  const entries: Array<[number, number]> = [];
  for (const [lo, hi, wgt] of bands) for (let a = lo; a <= hi; a++) entries.push([a, wgt / (hi - lo + 1)]);
  return new Weighted(entries);
})();

/** Completed fertility by the mother's birth year (approximate). */
function meanChildren(motherBirthYear: number): number {
  if (motherBirthYear < 1945) return 5.0;
  if (motherBirthYear < 1955) return 4.3;
  if (motherBirthYear < 1965) return 3.4;
  if (motherBirthYear < 1975) return 2.6;
  if (motherBirthYear < 1985) return 2.3;
  return 2.35;
}

/**
 * Probability that a child of this age (and sex) is still registered in the parents' household.
 * Students and workers away keep their permanent residence at home (and may register a temporary
 * one); daughters usually move to the husband's household when they marry.
 */
function staysHome(age: number, sex: Sex, headAge: number): number {
  if (age < 18) return 0.97;
  if (age < 23) return sex === 'male' ? 0.93 : 0.78;
  if (age < 28) return sex === 'male' ? 0.8 : 0.4;
  if (age < 36) return sex === 'male' ? (headAge >= 55 ? 0.4 : 0.25) : 0.1;
  return sex === 'male' ? 0.1 : 0.04;
}

// ---- household plan -----------------------------------------------------------------------------

type Role = 'Chủ hộ' | 'Vợ' | 'Chồng' | 'Con' | 'Bố' | 'Mẹ' | 'Cháu' | 'Khác';

interface Spec {
  role: Role;
  sex: Sex;
  /** Day number of birth. */
  birth: number;
  father: number;
  mother: number;
  spouse: number;
  marital: MaritalStatus;
  /** Trimming priority: higher goes first. */
  prio: number;
  /** Born in another old province (birth registration code), or null. */
  migrantCode: string | null;
}

function spec(role: Role, sex: Sex, birth: number, prio: number): Spec {
  return { role, sex, birth, father: -1, mother: -1, spouse: -1, marital: 'single', prio, migrantCode: null };
}

function birthFromAge(rng: Rng, age: number): number {
  const d = REF_DAY - Math.floor((age + rng.float()) * YEAR) - 1;
  return d < 0 ? 0 : d;
}
const ageAt = (birth: number): number => Math.floor((REF_DAY - birth) / YEAR);

/**
 * Children of a mother (spec index m, may be -1 when only the father lives here) and father f
 * (may be -1): appended to `out`, only those who still live in the household.
 */
function addChildren(rng: Rng, out: Spec[], m: number, f: number, role: Role, prio: number, headAge: number): number[] {
  const motherBirth = m >= 0 ? out[m]!.birth : out[f]!.birth + Math.floor(rng.range(1, 5) * YEAR);
  const motherYear = DAY_Y[Math.min(motherBirth, LAST_DAY)]!;
  let n = Math.round(rng.normal(meanChildren(motherYear), 1.0));
  if (rng.chance(0.04)) n = 0;
  if (n > 9) n = 9;
  const added: number[] = [];
  let at = Math.min(38, Math.max(18, rng.normal(motherYear >= 1980 ? 25 : 23, 3)));
  for (let i = 0; i < n && at <= 45; i++) {
    const birth = motherBirth + Math.floor((at + rng.float()) * YEAR);
    if (birth >= REF_DAY) break;
    if (f >= 0 && birth - out[f]!.birth < 18 * YEAR) { at += rng.range(2, 4); continue; }
    const birthYear = DAY_Y[birth]!;
    const sex: Sex = rng.chance(birthYear >= 2005 ? 0.526 : 0.513) ? 'male' : 'female';
    const age = ageAt(birth);
    if (rng.chance(staysHome(age, sex, headAge))) {
      const c = spec(role, sex, birth, prio);
      c.mother = m;
      c.father = f;
      if (age >= 30 && rng.chance(0.1)) c.marital = 'divorced';
      out.push(c);
      added.push(out.length - 1);
    }
    at += motherYear < 1965 ? rng.range(1, 3) + rng.float() : rng.range(2, 5) + rng.float();
  }
  return added;
}

/** Spouse birth day for a partner: husband older by ≈3.5 years on average. */
function spouseBirth(rng: Rng, partnerBirth: number, partnerSex: Sex): number {
  const gap = Math.max(-4, Math.min(14, rng.normal(3.5, 3)));
  const offset = Math.floor(gap * YEAR);
  let b = partnerSex === 'male' ? partnerBirth + offset : partnerBirth - offset;
  if (b > REF_DAY - 18 * YEAR) b = REF_DAY - Math.floor((18 + rng.float() * 2) * YEAR);
  if (b < 0) b = 0;
  return b;
}

function planHousehold(rng: Rng, cap: number): Spec[] {
  const out: Spec[] = [];
  const headAge = rng.weighted(HEAD_AGE);
  if (cap <= 1) {
    // The last household of a batch may have room for one person only.
    const s = spec('Chủ hộ', rng.chance(0.5) ? 'male' : 'female', birthFromAge(rng, headAge), 0);
    s.marital = headAge < 30 ? 'single' : rng.chance(0.7) ? 'widowed' : 'divorced';
    out.push(s);
    return out;
  }
  // Older people living without a spouse are mostly widows (women outlive men).
  let pSpouse = headAge < 25 ? 0.5 : headAge < 60 ? 0.88 : headAge < 70 ? 0.74 : headAge < 80 ? 0.52 : 0.3;
  let headSex: Sex;
  if (headAge >= 60) {
    const married = rng.chance(pSpouse);
    headSex = married ? (rng.chance(0.9) ? 'male' : 'female') : rng.chance(0.78) ? 'female' : 'male';
    pSpouse = married ? 1 : 0;
  } else {
    headSex = rng.chance(0.8) ? 'male' : 'female';
    if (headSex === 'female') pSpouse *= 0.45;
  }
  const head = spec('Chủ hộ', headSex, birthFromAge(rng, headAge), 0);
  out.push(head);
  let wife = -1;
  let husband = -1;
  if (rng.chance(pSpouse)) {
    const s = spec(headSex === 'male' ? 'Vợ' : 'Chồng', headSex === 'male' ? 'female' : 'male', spouseBirth(rng, head.birth, headSex), 0);
    out.push(s);
    head.spouse = 1;
    s.spouse = 0;
    head.marital = s.marital = 'married';
    if (headSex === 'male') { husband = 0; wife = 1; } else { husband = 1; wife = 0; }
  } else {
    head.marital = headAge < 28 ? 'single' : headAge >= 60 ? (rng.chance(0.8) ? 'widowed' : rng.chance(0.75) ? 'divorced' : 'single') : rng.chance(0.4) ? 'widowed' : rng.chance(0.7) ? 'divorced' : 'single';
    if (headSex === 'male') husband = 0; else wife = 0;
  }
  // Children: of the couple, of a lone mother, or (less often) of a lone father.
  let children: number[] = [];
  const hasPartnerHistory = head.marital !== 'single' || rng.chance(0.05);
  if (hasPartnerHistory && (wife >= 0 || rng.chance(0.6))) {
    children = addChildren(rng, out, wife, husband, 'Con', 1, headAge);
  }
  // The head's parents (mostly for younger heads).
  if (headAge <= 55 && rng.chance(headAge < 35 ? 0.22 : 0.15)) {
    const fatherBirth = head.birth - Math.floor((rng.range(22, 38) + rng.float()) * YEAR);
    const motherBirth = spouseBirth(rng, fatherBirth, 'male');
    const fAge = ageAt(fatherBirth);
    const mAge = ageAt(motherBirth);
    const fatherAlive = fAge <= 95 && rng.chance(fAge < 70 ? 0.8 : fAge < 80 ? 0.5 : 0.3);
    const motherAlive = mAge <= 98 && rng.chance(mAge < 70 ? 0.92 : mAge < 80 ? 0.8 : 0.6);
    if (motherBirth - head.birth < -18 * YEAR) {
      let fi = -1;
      let mi = -1;
      if (fatherAlive) { out.push(spec('Bố', 'male', fatherBirth, 2)); fi = out.length - 1; }
      if (motherAlive) { out.push(spec('Mẹ', 'female', motherBirth, 2)); mi = out.length - 1; }
      if (fi >= 0 && mi >= 0) {
        out[fi]!.spouse = mi; out[mi]!.spouse = fi;
        out[fi]!.marital = out[mi]!.marital = 'married';
      } else if (fi >= 0) out[fi]!.marital = 'widowed';
      else if (mi >= 0) out[mi]!.marital = 'widowed';
      head.father = fi;
      head.mother = mi;
      // Children of the head's parents are the head's siblings, not modelled.
    }
  }
  // A married adult child living with older parents, with spouse and children of their own.
  if (headAge >= 48 && rng.chance(0.4)) {
    let adult = -1;
    for (const c of children) {
      const s = out[c]!;
      const a = ageAt(s.birth);
      if (a >= 22 && a <= 50 && (adult < 0 || (s.sex === 'male' && out[adult]!.sex === 'female'))) adult = c;
    }
    if (adult < 0 && headAge >= 50 && (wife >= 0 || husband >= 0)) {
      // Bring one adult child home (they are the ones who stayed).
      const before = out.length;
      const anchorMother = wife;
      const anchorFather = husband;
      const born = out[anchorMother >= 0 ? anchorMother : anchorFather]!.birth + Math.floor((rng.range(20, 30) + rng.float()) * YEAR);
      if (born < REF_DAY - 22 * YEAR && (anchorFather < 0 || born - out[anchorFather]!.birth >= 18 * YEAR)) {
        const c = spec('Con', rng.chance(0.7) ? 'male' : 'female', born, 1);
        c.mother = anchorMother;
        c.father = anchorFather;
        out.push(c);
        adult = before;
      }
    }
    if (adult >= 0) {
      const a = out[adult]!;
      a.marital = 'married';
      const inLaw = spec('Khác', a.sex === 'male' ? 'female' : 'male', spouseBirth(rng, a.birth, a.sex), 3);
      inLaw.marital = 'married';
      out.push(inLaw);
      const li = out.length - 1;
      a.spouse = li;
      inLaw.spouse = adult;
      const m = a.sex === 'female' ? adult : li;
      const f = a.sex === 'male' ? adult : li;
      addChildren(rng, out, m, f, 'Cháu', 3, headAge);
    }
  }
  // A nephew/niece or another relative now and then.
  if (rng.chance(0.025)) {
    const s = spec('Cháu', rng.chance(0.5) ? 'male' : 'female', birthFromAge(rng, rng.range(8, 24)), 4);
    out.push(s);
  } else if (rng.chance(0.012)) {
    const age = rng.range(18, 80);
    const s = spec('Khác', rng.chance(0.5) ? 'male' : 'female', birthFromAge(rng, age), 4);
    s.marital = age > 60 ? 'widowed' : 'single';
    out.push(s);
  }
  return trim(out, Math.min(8, cap));
}

/** Drops members until the household fits, keeping links valid (head and spouse are never dropped). */
function trim(out: Spec[], cap: number): Spec[] {
  if (out.length <= cap) return out;
  const keep = out.map(() => true);
  let n = out.length;
  const drop = (i: number) => { if (keep[i]) { keep[i] = false; n--; } };
  // Highest priority number first, later members first (the youngest grandchildren, then in-laws…).
  for (let prio = 4; prio >= 1 && n > cap; prio--) {
    for (let i = out.length - 1; i >= 0 && n > cap; i--) {
      const s = out[i]!;
      if (s.prio !== prio || !keep[i]) continue;
      // Someone still kept whose parent this is: drop the children first (they come later in the list).
      // (The head's parents come after the head in the list, so they can go.)
      if (out.some((o, j) => keep[j] && j > i && (o.father === i || o.mother === i))) continue;
      drop(i);
      // A dropped spouse: its partner is no longer married inside the household, so drop the pair
      // (the in-law with the adult child, or the head's parents together).
      if (s.spouse >= 0 && keep[s.spouse] && s.spouse > 1) {
        const p = s.spouse;
        if (!out.some((o, j) => keep[j] && j > p && (o.father === p || o.mother === p))) drop(p);
        else { out[p]!.spouse = -1; out[p]!.marital = 'widowed'; }
      }
    }
  }
  // Renumber links.
  const map: number[] = [];
  const res: Spec[] = [];
  out.forEach((s, i) => { if (keep[i]) { map[i] = res.length; res.push(s); } });
  for (const s of res) {
    s.father = s.father >= 0 && keep[s.father] ? map[s.father]! : -1;
    s.mother = s.mother >= 0 && keep[s.mother] ? map[s.mother]! : -1;
    if (s.spouse >= 0 && keep[s.spouse]) s.spouse = map[s.spouse]!;
    else if (s.spouse >= 0) { s.spouse = -1; s.marital = 'widowed'; }
  }
  return res;
}

// ---- generation -------------------------------------------------------------------------------

const bucketRank = new Int32Array(1_000_000);
const touched: number[] = [];

interface BatchContext {
  rng: Rng;
  batch: number;
  block: number;
  perm: Permutation1e6;
  t: Tables;
}

/** A new unique ID number in bucket (code, year, sex) for this batch. */
function allocateId(ctx: BatchContext, code: string, birthYear: number, sex: Sex): string {
  const d4 = 2 * Math.floor((birthYear - 1900) / 100) + (sex === 'female' ? 1 : 0);
  const yy = birthYear % 100;
  const bucket = Number(code) * 1000 + d4 * 100 + yy;
  const r = bucketRank[bucket]!;
  if (r === 0) touched.push(bucket);
  if (r >= ctx.block) throw new Error(`synth: more than ${ctx.block} people in ID bucket ${code}-${d4}-${yy} in batch ${ctx.batch}: use a larger peoplePerBatch`);
  bucketRank[bucket] = r + 1;
  const s = ctx.batch * ctx.block + r;
  if (s >= 1_000_000) throw new Error(`synth: batch ${ctx.batch} is past the serial space (at most ${Math.floor(1_000_000 / ctx.block)} batches of this size)`);
  const serial = ctx.perm.apply(s, mix32(bucket));
  return `${code}${d4}${yy < 10 ? '0' : ''}${yy}${serial.toString().padStart(6, '0')}`;
}

function houseAddress(rng: Rng, c: CommuneInfo): string {
  if (c.urban) {
    const k = rng.int(4);
    const street = rng.pick(STREETS);
    if (k === 0) return `Số ${rng.range(1, 220)}, ngõ ${rng.range(1, 150)}, phố ${street}, Tổ ${rng.range(1, 40)}`;
    if (k === 1) return `Số ${rng.range(1, 480)} đường ${street}, Khu phố ${rng.range(1, 15)}`;
    if (k === 2) return `Số ${rng.range(1, 90)}/${rng.range(1, 60)} ${street}`;
    return `Tổ ${rng.range(1, 45)}, khu dân cư số ${rng.range(1, 12)}`;
  }
  if (NORTH_MOUNTAIN.has(c.provinceCode) || c.provinceCode === '52' || c.provinceCode === '66') {
    return rng.chance(0.6) ? `Bản ${rng.pick(HIGHLAND_VILLAGES)}` : `Thôn ${rng.range(1, 15)}`;
  }
  if (c.region === 'south') return rng.chance(0.7) ? `Ấp ${rng.pick(VILLAGES)}` : `Ấp ${rng.range(1, 12)}`;
  const k = rng.int(3);
  if (k === 0) return `Thôn ${rng.pick(VILLAGES)}`;
  if (k === 1) return `Xóm ${rng.range(1, 20)}`;
  return `Thôn ${rng.range(1, 15)}, xóm ${rng.pick(VILLAGES)}`;
}

function tempAddress(rng: Rng, c: CommuneInfo): string {
  if (c.urban) return `Phòng ${rng.range(1, 30)}, nhà trọ số ${rng.range(1, 300)} ${rng.pick(STREETS)}`;
  return `Nhà trọ ${rng.pick(VILLAGES)}, thôn ${rng.range(1, 12)}`;
}

/**
 * Generates batch `batch` of seed `seed`: the people numbered from batch · peoplePerBatch on.
 * Pure: the same arguments always give the same rows.
 */
export function generateBatch(seed: number, batch: number, peoplePerBatch: number, opts: GenerateOptions = {}): Batch {
  const count = opts.people ?? peoplePerBatch;
  if (!Number.isInteger(seed) || !Number.isInteger(batch) || batch < 0) throw new RangeError('seed and batch must be integers, batch ≥ 0');
  if (!Number.isInteger(peoplePerBatch) || peoplePerBatch < 1) throw new RangeError('peoplePerBatch must be a positive integer');
  if (!Number.isInteger(count) || count < 0 || count > peoplePerBatch) throw new RangeError(`people must be in [0, ${peoplePerBatch}]`);
  if ((batch + 1) * peoplePerBatch > 1_000_000_000) throw new RangeError('household numbers would overflow: at most 10^9 people per seed');
  const t = getTables();
  const block = serialBlock(peoplePerBatch);
  if (batch >= maxBatches(peoplePerBatch)) throw new RangeError(`batch ${batch} is past the serial space: at most ${maxBatches(peoplePerBatch)} batches of ${peoplePerBatch}`);
  const ctx: BatchContext = { rng: new Rng(seed, batch, peoplePerBatch), batch, block, perm: new Permutation1e6(seed ^ 0x06), t };
  for (const b of touched) bucketRank[b] = 0;
  touched.length = 0;

  const rng = ctx.rng;
  const people: PersonRow[] = [];
  const households: HouseholdRow[] = [];
  // Reserve room for the near-duplicates.
  const expectDup = count * NEAR_DUPLICATE_SHARE;
  let dupCount = Math.floor(expectDup) + (rng.chance(expectDup - Math.floor(expectDup)) ? 1 : 0);
  if (dupCount >= count) dupCount = 0;
  const target = count - dupCount;
  let h = 0;
  while (people.length < target) {
    makeHousehold(ctx, people, households, seedHousehold(batch, peoplePerBatch, h), target - people.length);
    h++;
  }
  addNearDuplicates(ctx, people, dupCount);
  return { people, households };
}

function seedHousehold(batch: number, peoplePerBatch: number, h: number): number {
  const n = batch * peoplePerBatch + h;
  if (n >= 1_000_000_000) throw new RangeError('household counter overflow');
  return HOUSEHOLD_BASE + n;
}

function makeHousehold(ctx: BatchContext, people: PersonRow[], households: HouseholdRow[], householdCounter: number, cap: number): void {
  const { rng, t } = ctx;
  const province = rng.weighted(t.provinces);
  const commune = rng.weighted(province.communes);
  const address = houseAddress(rng, commune);
  const householdNo = `HK${province.code}${householdCounter}`;
  const specs = planHousehold(rng, cap);

  // Household-level attributes.
  const ethnic = rng.weighted(province.ethnic);
  const group: NameGroup = NAME_GROUP_OF_ETHNICITY[ethnic] ?? 'kinh';
  const religion = rng.weighted(t.religionByGroup.get(group) ?? province.religion);
  const region = province.region;
  const surnameTable = surnames(group, region);
  const former = commune.former.length ? commune.former[rng.int(commune.former.length)]! : null;
  const head = specs[0]!;
  const headAdultDay = Math.max(head.birth + Math.floor(18 * YEAR), dayOf('1990-01-01'));
  const householdSince = headAdultDay >= REF_DAY - 30 ? REF_DAY - 30 : headAdultDay + rng.int(REF_DAY - 30 - headAdultDay);

  // Migration: adults may have been born elsewhere; the head's parents share the head's origin.
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i]!;
    if (s.role === 'Bố' || s.role === 'Mẹ') continue;
    const age = ageAt(s.birth);
    const p = age >= 18 ? province.immigrantShare : province.immigrantShare * 0.1;
    if (rng.chance(p)) {
      const code = rng.weighted(t.emigrants);
      if (!commune.oldBirthCodes.includes(code)) s.migrantCode = code;
    }
  }
  if (head.father >= 0) specs[head.father]!.migrantCode = head.migrantCode;
  if (head.mother >= 0) specs[head.mother]!.migrantCode = head.migrantCode;

  const first = people.length;
  const minorityOther = group !== 'kinh';
  const n = specs.length;
  const rows: PersonRow[] = new Array(n);
  const families: NamePart[] = new Array(n);
  // Parents before children: the head's parents (listed after the head) first, then list order.
  for (let pass = 0; pass < 2; pass++) for (let i = 0; i < n; i++) {
    const s = specs[i]!;
    const isHeadParent = s.role === 'Bố' || s.role === 'Mẹ';
    if ((pass === 0) !== isHeadParent) continue;
    const birthYear = DAY_Y[s.birth]!;
    // Surname: from the father when he is in the household, else drawn (a mother keeps her own).
    const fatherRow = s.father >= 0 ? rows[s.father] : undefined;
    const family: NamePart = fatherRow ? families[s.father]! : rng.weighted(surnameTable);
    families[i] = family;
    // A spouse from outside the group now and then; children follow the father.
    let ethnicity = ethnic;
    if (minorityOther && (s.role === 'Vợ' || s.role === 'Chồng' || (s.role === 'Khác' && s.spouse >= 0)) && rng.chance(0.12)) ethnicity = '01';
    if (fatherRow) ethnicity = fatherRow.ethnicity_code;
    const name = personName(rng, family, s.sex, birthYear, ethnicity === '01' && minorityOther ? 'kinh' : group);
    // Birth registration.
    let code: string;
    let birthProvince: string;
    let birthCommune: string | null;
    if (s.birth >= MERGER_DAY) {
      code = province.newBirthCode;
      birthProvince = province.code;
      birthCommune = commune.code;
    } else if (s.migrantCode) {
      code = s.migrantCode;
      birthProvince = t.newProvinceOfOldCode.get(code) ?? province.code;
      const bp = t.provinceByCode.get(birthProvince);
      birthCommune = bp ? bp.communeList[rng.int(bp.communeList.length)]!.code : null;
    } else {
      const codes = commune.oldBirthCodes;
      code = codes.length === 1 ? codes[0]! : codes[rng.int(codes.length)]!;
      birthProvince = province.code;
      birthCommune = rng.chance(0.8) ? commune.code : province.communeList[rng.int(province.communeList.length)]!.code;
    }
    const id = allocateId(ctx, code, birthYear, s.sex);
    // Birth date precision: ~30% of people born before 1950 have year or month-year only.
    let month: number | null = DAY_M[s.birth]!;
    let day: number | null = DAY_D[s.birth]!;
    if (birthYear < 1950 && rng.chance(0.3)) {
      day = null;
      if (rng.chance(0.5)) month = null;
    }
    const since = s.birth > householdSince ? s.birth : householdSince;
    const oldUnit = former !== null && since < MERGER_DAY;
    rows[i] = {
      id_number: id,
      full_name: name.fullName,
      name_key: name.nameKey,
      given_key: name.given.key,
      other_names: [],
      sex: s.sex,
      birth_year: birthYear,
      birth_month: month,
      birth_day: day,
      birth_reg_province_code: birthProvince,
      birth_reg_commune_code: birthCommune,
      origin_province_code: fatherRow ? fatherRow.origin_province_code : birthProvince,
      origin_commune_code: null,
      ethnicity_code: ethnicity,
      religion,
      nationality: 'VNM',
      marital_status: s.marital,
      father_id: fatherRow ? fatherRow.id_number : null,
      mother_id: s.mother >= 0 ? rows[s.mother]!.id_number : null,
      spouse_id: null,
      perm_address: address,
      perm_commune_code: commune.code,
      perm_province_code: province.code,
      perm_old_commune_code: oldUnit ? former.commune : null,
      perm_old_district_code: oldUnit ? former.district : null,
      perm_old_province_code: oldUnit ? former.province : null,
      perm_since: isoDay(since),
      temp_address: null,
      temp_commune_code: null,
      temp_province_code: null,
      temp_until: null,
      cur_address: address,
      cur_commune_code: commune.code,
      cur_province_code: province.code,
      household_no: householdNo,
      relation_to_head: s.role,
      status: 'living',
      death_date: null,
      synthetic: true,
    };
  }
  for (let i = 0; i < n; i++) people.push(rows[i]!);
  // Spouse links (both ways), then deaths and disappearances, then temporary residence.
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i]!;
    if (s.spouse >= 0) people[first + i]!.spouse_id = people[first + s.spouse]!.id_number;
  }
  for (let i = 1; i < specs.length; i++) {
    const row = people[first + i]!;
    const age = ageAt(specs[i]!.birth);
    const pDeath = age >= 80 ? 0.16 : age >= 65 ? 0.06 : age >= 50 ? 0.012 : 0.002;
    if (rng.chance(pDeath)) {
      const from = Math.max(specs[i]!.birth + 1, REF_DAY - Math.floor(6 * YEAR));
      row.status = 'deceased';
      row.death_date = isoDay(from + rng.int(REF_DAY - from));
      // As the registry records a death: the surviving spouse becomes widowed, with no spouse link.
      const sp = specs[i]!.spouse;
      if (sp >= 0) {
        const other = people[first + sp]!;
        if (other.status !== 'deceased') { other.marital_status = 'widowed'; other.spouse_id = null; }
      }
    } else if (age >= 18 && age <= 60 && rng.chance(0.0002)) {
      row.status = 'missing';
    }
  }
  for (let i = 0; i < specs.length; i++) {
    const row = people[first + i]!;
    if (row.status !== 'living') continue;
    const age = ageAt(specs[i]!.birth);
    const p = age >= 18 && age <= 35 ? 0.075 : age > 35 && age < 60 ? 0.025 : age >= 15 && age < 18 ? 0.02 : 0.004;
    if (!rng.chance(p)) continue;
    let dest = rng.weighted(t.tempDestinations);
    let c = dest.communes.pick(rng);
    if (c.code === commune.code) { dest = province; c = province.communeList[rng.int(province.communeList.length)]!; if (c.code === commune.code) continue; }
    const addr = tempAddress(rng, c);
    row.temp_address = addr;
    row.temp_commune_code = c.code;
    row.temp_province_code = dest.code;
    row.temp_until = isoDay(REF_DAY + 365 + rng.int(Math.floor(2.5 * YEAR)));
    // The place one actually lives is the temporary residence (as the registry records it).
    row.cur_address = addr;
    row.cur_commune_code = c.code;
    row.cur_province_code = dest.code;
  }
  households.push({
    household_no: householdNo,
    head_id: people[first]!.id_number,
    address,
    commune_code: commune.code,
    province_code: province.code,
    status: 'active',
    synthetic: true,
  });
}

/**
 * Appends `n` near-duplicates: a second registration of a person (a child with a parent in the
 * data, full birth date) with another ID number, a slightly different spelling of the same name
 * (same name_key), the same birth date, parents and birth registration place; no household.
 */
function addNearDuplicates(ctx: BatchContext, people: PersonRow[], n: number): void {
  const { rng } = ctx;
  const pool = people.length;
  let made = 0;
  for (let tries = 0; made < n && tries < n * 50 + 100; tries++) {
    const o = people[rng.int(pool)]!;
    if (o.status !== 'living' || o.birth_day === null || (o.father_id === null && o.mother_id === null)) continue;
    if (o.other_names.length) continue;
    const variant = spellingVariant(o.full_name, rng);
    if (!variant) continue;
    const id = allocateId(ctx, o.id_number.slice(0, 3), o.birth_year, o.sex);
    const given = variant.slice(variant.lastIndexOf(' ') + 1);
    people.push({
      ...o,
      id_number: id,
      full_name: variant,
      given_key: searchKey(given),
      other_names: [NEAR_DUPLICATE_MARK + o.id_number],
      marital_status: 'single',
      spouse_id: null,
      perm_address: null,
      perm_commune_code: null,
      perm_province_code: null,
      perm_old_commune_code: null,
      perm_old_district_code: null,
      perm_old_province_code: null,
      perm_since: null,
      temp_address: null,
      temp_commune_code: null,
      temp_province_code: null,
      temp_until: null,
      household_no: null,
      relation_to_head: null,
    });
    made++;
  }
  // Should never happen in practice; keep the batch size exact anyway.
  while (made < n) {
    const o = people[rng.int(pool)]!;
    const id = allocateId(ctx, o.id_number.slice(0, 3), o.birth_year, o.sex);
    people.push({ ...o, id_number: id, other_names: [NEAR_DUPLICATE_MARK + o.id_number], spouse_id: null, marital_status: 'single', household_no: null, relation_to_head: null, perm_address: null, perm_commune_code: null, perm_province_code: null, perm_since: null, perm_old_commune_code: null, perm_old_district_code: null, perm_old_province_code: null });
    made++;
  }
}

/** Ages at the reference date, for tests and reports. */
export function ageOnReferenceDate(p: Pick<PersonRow, 'birth_year' | 'birth_month' | 'birth_day'>): number {
  const refM = DAY_M[REF_DAY]!;
  const refD = DAY_D[REF_DAY]!;
  let age = REF_YEAR - p.birth_year;
  const m = p.birth_month ?? 1;
  const d = p.birth_day ?? 1;
  if (m > refM || (m === refM && d > refD)) age--;
  return age;
}
