/**
 * Vietnamese name tables for the synthetic population. Written for this project: shares of the
 * common surnames follow DOMAIN.md §7 (an older estimate: Nguyễn 38.4%, Trần 11%, Lê 9.5%, …);
 * everything else (the remainder surnames, middle and given names and their weights by birth
 * cohort, the surnames of some ethnic minorities) is an informed approximation, not a statistic.
 * All strings are NFC. Each entry carries its search key, computed once.
 */
import { nfc, searchKey } from '../vn/index.ts';
import { Weighted, type Rng } from './random.ts';

export interface NamePart {
  /** NFC text, e.g. 'Nguyễn'. */
  readonly text: string;
  /** searchKey(text), e.g. 'nguyen'. */
  readonly key: string;
}

export type Sex = 'male' | 'female';
export type Region = 'north' | 'northcentral' | 'central' | 'south';
/** Name customs the tables distinguish; most minorities use the Kinh tables. */
export type NameGroup = 'kinh' | 'tay_nung' | 'hmong' | 'thai' | 'muong' | 'dao' | 'khmer' | 'hoa' | 'highlands' | 'cham';

const parts = new Map<string, NamePart>();
/** One shared NamePart per distinct text. */
export function namePart(text: string): NamePart {
  const t = nfc(text);
  let p = parts.get(t);
  if (!p) {
    p = Object.freeze({ text: t, key: searchKey(t) });
    parts.set(t, p);
  }
  return p;
}

function table(entries: ReadonlyArray<readonly [string, number]>): Weighted<NamePart> {
  const merged = new Map<string, number>();
  for (const [t, w] of entries) merged.set(nfc(t), (merged.get(nfc(t)) ?? 0) + w);
  return new Weighted([...merged].map(([t, w]) => [namePart(t), w] as const));
}

/** "A:3 B C:2" → [['A',3],['B',1],['C',2]]; names may not contain spaces or colons. */
function w(spec: string, scale = 1): Array<[string, number]> {
  return spec.trim().split(/\s+/).map((tok) => {
    const [name, weight] = tok.split(':');
    return [name!, (weight === undefined ? 1 : Number(weight)) * scale];
  });
}

// ---- surnames ---------------------------------------------------------------------------------

/** The 14 (pairs of) surnames with published shares, in percent (DOMAIN.md §7). */
export const SURNAME_SHARES: ReadonlyArray<readonly [string, number]> = [
  ['Nguyễn', 38.4], ['Trần', 11], ['Lê', 9.5], ['Phạm', 7.1], ['Huỳnh/Hoàng', 5.1], ['Phan', 4.5], ['Vũ/Võ', 3.9],
  ['Đặng', 2.1], ['Bùi', 2], ['Đỗ', 1.4], ['Hồ', 1.3], ['Ngô', 1.3], ['Dương', 1], ['Lý', 0.5],
];

/**
 * The remaining ~10.9% spread over other real surnames, roughly most common first (weights relative
 * within the remainder).
 */
const OTHER_SURNAMES = w(`
  Đinh:6 Đào:6 Đoàn:6 Trịnh:5 Trương:5 Lâm:4 Mai:4 Hà:4 Lương:4 Lưu:3 Tạ:3 Phùng:3 Cao:3 Tô:3 Vương:3
  Chu:2 Châu:2 Kiều:2 Quách:2 Thái:2 Tăng:2 La:2 Từ:2 Hứa:2 Diệp:2 Lại:2 Triệu:2 Mạc:2 Nghiêm:2 Thân:2
  Khúc:1 Giang:1 Kim:1 Tôn:1 Ông:1 Quan:1 Tống:1 Đàm:1 Hàn:1 Bạch:1 Ninh:1 Khương:1 Phí:1 Tiêu:1 Lã:1
  Cù:1 Doãn:1 Trình:1 Phó:1 Quản:1 Vi:1 Lục:1 Nông:1 Khổng:1 Âu:1 Văn:1 Lạc:1 Mẫn:1 Ứng:1 Viên:1 Yên:1
  Đồng:1 Hầu:1 Lò:0.5 Hoa:0.5 Thạch:0.5 Sơn:0.5 Danh:0.5 Huỳnh:0 Tiết:0.5 Giáp:0.5 Kha:0.5 Âu:0.5
`);

/** Hoàng/Huỳnh and Vũ/Võ are one surname written differently north and south. */
const SPLIT_BY_REGION: Record<Region, { hoang: number; vu: number }> = {
  north: { hoang: 0.92, vu: 0.9 },
  northcentral: { hoang: 0.75, vu: 0.4 },
  central: { hoang: 0.3, vu: 0.1 },
  south: { hoang: 0.15, vu: 0.08 },
};

function kinhSurnames(region: Region): Weighted<NamePart> {
  const top = SURNAME_SHARES.reduce((s, [, p]) => s + p, 0);
  const rest = 100 - top;
  const otherTotal = OTHER_SURNAMES.reduce((s, [, x]) => s + x, 0);
  const { hoang, vu } = SPLIT_BY_REGION[region];
  const entries: Array<[string, number]> = [];
  for (const [name, share] of SURNAME_SHARES) {
    if (name === 'Huỳnh/Hoàng') entries.push(['Hoàng', share * hoang], ['Huỳnh', share * (1 - hoang)]);
    else if (name === 'Vũ/Võ') entries.push(['Vũ', share * vu], ['Võ', share * (1 - vu)]);
    else entries.push([name, share]);
  }
  for (const [name, x] of OTHER_SURNAMES) if (x > 0) entries.push([name, (x / otherTotal) * rest]);
  return table(entries);
}

/** Common surnames of some minority groups (approximate; members also use Kinh surnames). */
const GROUP_SURNAMES: Record<Exclude<NameGroup, 'kinh'>, string> = {
  tay_nung: 'Hoàng:8 Nông:7 Lục:4 Hà:3 Lương:3 Vi:3 Mã:2 Triệu:3 Lăng:2 Đàm:2 Lý:2 Nguyễn:3 Bế:3 Ma:2 Hứa:2 Chu:1 La:1',
  hmong: 'Giàng:8 Vàng:8 Thào:7 Sùng:6 Lý:5 Hầu:3 Mùa:4 Vừ:4 Hạng:3 Lầu:3 Mã:2 Chảo:1 Tráng:2',
  thai: 'Lò:8 Lường:7 Quàng:5 Cầm:5 Hà:5 Vi:4 Lê:2 Tòng:3 Điêu:3 Mè:2 Sầm:2 Lộc:2 Nguyễn:2',
  muong: 'Bùi:10 Đinh:8 Quách:5 Hà:4 Xa:2 Bạch:3 Nguyễn:3 Phạm:2',
  dao: 'Triệu:10 Bàn:8 Đặng:6 Lý:6 Chảo:4 Phùng:3 Tẩn:3 Hoàng:2',
  khmer: 'Thạch:10 Sơn:8 Danh:7 Kim:5 Lâm:4 Trần:3 Lý:3 Thị:0 Châu:2 Dương:2 Huỳnh:2',
  hoa: 'Lý:6 Trần:6 Lâm:5 Quách:4 Huỳnh:4 Dương:3 Trương:4 Lưu:4 Tăng:3 Hứa:3 Mã:2 La:2 Châu:2 Diệp:2 Thái:2 Hồng:1',
  highlands: 'Ksor:6 Siu:5 Rmah:4 Nay:4 Niê:5 Êban:3 Mlô:3 Byă:2 Kpă:3 Rơ:2 Đinh:4 A:2 Y:0 Hồ:2 Bhnong:1 Kpuih:2',
  cham: 'Đàng:6 Đạo:4 Châu:4 Lưu:3 Thuận:3 Quảng:3 Thành:2 Bá:2 Kiều:2 Mohamad:1 Sa:1',
};

const surnameTables = new Map<string, Weighted<NamePart>>();

/** The surname table for a name group and region. */
export function surnames(group: NameGroup, region: Region): Weighted<NamePart> {
  const k = group === 'kinh' ? `kinh:${region}` : group;
  let t = surnameTables.get(k);
  if (!t) {
    t = group === 'kinh' ? kinhSurnames(region) : table(w(GROUP_SURNAMES[group]).filter(([, x]) => x > 0));
    surnameTables.set(k, t);
  }
  return t;
}

// ---- middle names -----------------------------------------------------------------------------

export type Cohort = 'old' | 'mid' | 'young';
/** Born before 1970, 1970–1999, 2000 on. */
export function cohortOf(birthYear: number): Cohort {
  return birthYear < 1970 ? 'old' : birthYear < 2000 ? 'mid' : 'young';
}

/** '' stands for no middle name. */
const MIDDLE: Record<Sex, Record<Cohort, Weighted<NamePart>>> = {
  male: {
    old: table(w('Văn:70 Đức:6 Hữu:6 Đình:4 Xuân:3 Quang:3 Công:3 Ngọc:2 Minh:2 Thanh:1 Bá:1 Trọng:1 Tiến:1 Viết:1 Khắc:1 Như:1')),
    mid: table(w('Văn:45 Đức:8 Minh:8 Hữu:6 Quang:6 Thanh:5 Quốc:5 Đình:4 Công:3 Anh:3 Tuấn:3 Ngọc:2 Xuân:2 Hoàng:2 Trung:2 Mạnh:1 Duy:2 Thế:2 Tiến:1 Bá:1 Trọng:1')),
    young: table(w('Văn:15 Minh:15 Đức:10 Gia:10 Quốc:6 Hoàng:6 Anh:6 Bảo:6 Quang:5 Nhật:5 Thanh:4 Hữu:4 Đăng:4 Duy:4 Tuấn:3 Trung:3 Khánh:3 Hải:3 Thành:3 Tiến:2 Hoài:2 Phúc:2 Thiên:2 Trọng:2')),
  },
  female: {
    old: table(w('Thị:90 Ngọc:3 Thu:2 Kim:2 Thanh:2 Xuân:1 Bích:1 Hồng:1')),
    mid: table(w('Thị:60 Ngọc:8 Thu:7 Thanh:6 Kim:5 Hồng:4 Minh:3 Thúy:2 Bích:2 Hoài:2 Phương:2 Mai:2 Diệu:1 Thùy:2 Hải:1 Quỳnh:1')),
    young: table(w('Thị:25 Ngọc:10 Minh:8 Bảo:7 Khánh:6 Phương:6 Thu:5 Gia:5 Thanh:4 Mai:4 Hà:4 Quỳnh:3 Diệu:3 Tú:3 Kim:3 Thùy:3 Hoài:2 Tường:2 Hải:2 Thảo:2 An:2 Yến:1 Cẩm:2 Hồng:2')),
  },
};
/** Second middle names, for the ~8% of young people with two (e.g. Nguyễn Ngọc Bảo Anh). */
const SECOND_MIDDLE: Record<Sex, Weighted<NamePart>> = {
  male: table(w('Minh:5 Gia:4 Bảo:4 Anh:3 Đức:3 Hoàng:3 Nhật:3 Quốc:2 Thiên:2 Khánh:2 Tuấn:2 Đăng:2 Phúc:2')),
  female: table(w('Bảo:5 Ngọc:4 Minh:3 Khánh:3 Gia:3 Phương:3 Thảo:2 Tường:2 Mai:2 Diệu:2 Hà:2 Quỳnh:2 Tú:2 An:2 Cát:1')),
};
const H_MONG_MALE_A = namePart('A');
const VAN = namePart('Văn');
const THI = namePart('Thị');

// ---- given names ------------------------------------------------------------------------------

const GIVEN: Record<Sex, Record<Cohort, string>> = {
  male: {
    old: `Hùng:5 Dũng:5 Thắng:5 Minh:4 Hải:4 Tuấn:3 Sơn:4 Bình:4 Hòa:4 Thành:4 Long:3 Quang:3 Hưng:3 Lâm:2
      Tâm:3 Chiến:3 Thanh:3 Hoàng:2 Cường:3 Lợi:3 Phúc:2 Thịnh:2 Tiến:3 Toàn:2 Tùng:2 Vinh:3 Xuân:2 Nam:3
      Đức:3 Hiển:2 Hiệp:2 Khánh:2 Lộc:2 Mạnh:2 Nghĩa:3 Phong:2 Phương:2 Quý:2 Sáu:1 Tài:2 Tám:1 Thái:2
      Thọ:2 Thuận:2 Tín:1 Trung:3 Trường:2 Tư:1 Vân:1 Việt:2 An:2 Bảy:1 Cảnh:1 Chính:2 Chung:1 Công:1
      Cương:1 Doanh:1 Đạt:2 Định:2 Đông:2 Giáp:1 Hạnh:1 Hậu:1 Hiếu:2 Hoan:1 Hồng:2 Huân:1 Huấn:1 Kiên:2
      Khải:1 Khiêm:1 Lạc:1 Lập:1 Liêm:1 Lực:1 Luận:1 Lượng:1 Ninh:1 Phát:1 Phụng:1 Quyết:2 Sinh:1 Sỹ:1 Tạo:1
      Thạch:1 Thân:1 Thiện:1 Thông:1 Thuần:1 Thụy:1 Tiệp:1 Toản:1 Trực:1 Tuyên:1 Tường:1 Ước:1 Vượng:1 Xuyên:1`,
    mid: `Tuấn:5 Hùng:4 Dũng:5 Hải:5 Minh:5 Cường:4 Thắng:4 Long:4 Nam:4 Sơn:4 Hoàng:3 Huy:4 Hưng:3 Quang:3
      Thành:4 Trung:4 Tùng:3 Việt:3 Đức:3 Anh:4 Bình:3 Hiếu:3 Hòa:3 Khánh:3 Lâm:2 Linh:2 Lộc:2 Mạnh:3
      Phong:3 Phúc:2 Phương:2 Quân:2 Quý:2 Tâm:2 Thanh:2 Thịnh:2 Tiến:3 Toàn:3 Trí:2 Trọng:2 Tú:2 Vinh:2
      Vũ:2 Chiến:2 Công:2 Đạt:3 Định:1 Duy:2 Dương:2 Giang:1 Hào:1 Hậu:2 Hiệp:2 Hiển:1 Khoa:2 Khôi:1 Kiên:2
      Lợi:2 Luân:1 Nghĩa:3 Nhân:2 Ninh:1 Phát:1 Quyết:2 Sang:2 Tài:2 Tân:2 Thái:2 Thiện:2 Thông:2 Thuận:2
      Tín:1 Triều:1 Trường:2 Tường:1 Vương:1 Xuân:1 Cảnh:1 Chung:1 Diệu:0 Doanh:1 Đông:1 Hạnh:1 Hoan:1
      Hội:1 Huân:1 Kiệt:1 Khải:1 Khang:1 Lực:1 Phi:1 Quốc:1 Sỹ:1 Thạch:1 Thế:1 Thọ:1 Triết:1 Tuệ:1 Uy:1`,
    young: `Huy:5 Khang:4 Bảo:4 Minh:5 Phúc:4 Nam:4 Khoa:4 Kiệt:3 Lâm:3 Quân:4 Thịnh:3 Hiếu:3 Đạt:4 Duy:3
      Long:3 Hoàng:3 Hưng:3 Khôi:3 Anh:5 An:3 Tuấn:3 Tùng:2 Trí:3 Tài:2 Nhân:2 Phát:3 Vinh:2 Sơn:2 Thành:2
      Khánh:2 Hải:2 Dũng:2 Thắng:2 Toàn:2 Việt:2 Vũ:2 Bách:2 Đăng:2 Đức:3 Hào:2 Hậu:1 Hòa:1 Kiên:2 Lộc:2
      Luân:1 Nguyên:2 Nhật:2 Phong:2 Quang:2 Sang:2 Tâm:2 Tân:1 Thái:1 Thiện:2 Tín:2 Trung:2 Trường:2 Tú:2
      Vương:1 Bình:1 Công:1 Cường:1 Danh:1 Dương:2 Giang:1 Hiển:1 Hiệp:1 Khải:2 Khiêm:1 Lân:1 Lực:1 Mạnh:1
      Nghĩa:2 Ngọc:1 Phú:1 Quý:1 Quyết:1 Thông:1 Thuận:1 Triết:1 Trọng:1 Tường:1 Uy:1 Vĩnh:1 Vỹ:1 Khuê:0`,
  },
  female: {
    old: `Lan:5 Hoa:5 Hương:5 Mai:4 Cúc:3 Đào:3 Hồng:4 Nhung:3 Thủy:4 Nga:4 Loan:3 Tuyết:3 Vân:3 Xuân:3
      Liên:3 Hằng:3 Lụa:1 Mận:1 Nết:1 Sen:2 Tươi:1 Thêu:1 Gấm:1 Lài:1 Xoan:1 Hợi:1 Thìn:1 Hiền:3 Hạnh:3
      Hòa:3 Huệ:2 Hường:2 Lý:2 Minh:2 Nguyệt:2 Oanh:2 Phượng:2 Sâm:1 Tâm:2 Thanh:3 Thoa:2 Thu:3 Thúy:2
      Tình:1 Yến:2 Bích:2 Chinh:1 Dung:3 Duyên:1 Hà:2 Hải:1 Hảo:1 Huyền:2 Kim:1 Lệ:2 Liễu:1 Lựu:1 Mơ:1
      Ngân:1 Ngọc:2 Nhàn:2 Nhạn:1 Phương:2 Quế:1 Sương:1 Tám:1 Thắm:1 Thơm:1 Thục:1 Thường:1 Trinh:1 Tuyền:1
      Vinh:1 Vui:1 Bảy:1 Chắt:1 Điểm:1 Đoan:1 Hến:1 Khuyên:1 Lành:1 Miên:1 Mùi:1 Na:1 Nương:1 Phấn:1`,
    mid: `Hương:5 Lan:4 Huyền:4 Hằng:4 Trang:5 Linh:4 Thảo:4 Hà:4 Ngọc:3 Phương:4 Thủy:4 Hạnh:3 Hoa:3 Hồng:3
      Nga:3 Nhung:3 Yến:3 Dung:3 Hiền:3 Mai:3 Loan:2 Oanh:2 Quyên:2 Quỳnh:3 Thanh:3 Thu:3 Thúy:3 Trâm:2
      Tuyết:2 Vân:3 Anh:3 Ánh:2 Bích:2 Châu:2 Diễm:2 Diệp:1 Duyên:2 Giang:2 Hải:1 Hậu:1 Hòa:2 Hoài:1 Huệ:2
      Hường:2 Khánh:1 Kiều:2 Liên:2 Liễu:1 Ly:2 Lý:1 My:1 Mỹ:2 Ngân:2 Nguyệt:2 Nhàn:1 Nhi:1 Như:1 Phượng:2
      Sương:1 Tâm:2 Thắm:1 Thơ:1 Thoa:1 Thùy:2 Thư:1 Thương:2 Tiên:1 Trà:1 Trinh:2 Tú:1 Uyên:1 Vy:1 Xuân:2
      Chi:1 Cúc:1 Dịu:1 Đào:1 Hạ:1 Hân:1 Lệ:1 Lụa:0 Minh:1 Ngà:1 Ngát:1 Nhạn:1 Nhiên:1 Sen:1 Thục:1 Tình:1`,
    young: `Anh:6 Linh:5 Ngân:4 Nhi:5 Vy:4 My:4 Thư:4 Trâm:3 Chi:4 An:4 Hân:4 Như:3 Ngọc:3 Quỳnh:3 Uyên:3
      Trang:4 Hà:3 Thảo:3 Phương:3 Huyền:2 Khuê:2 Tú:2 Diệp:2 Giang:2 Hương:2 Mai:2 Nhung:1 Oanh:1 Tâm:2
      Thanh:1 Thùy:2 Tiên:2 Vân:2 Yến:2 Ánh:2 Châu:2 Diễm:1 Dung:1 Duyên:2 Hằng:1 Hạnh:1 Hiền:2 Hoa:1 Hòa:1
      Hồng:1 Khánh:2 Kiều:1 Lam:2 Lan:2 Ly:3 Mỹ:2 Nga:1 Nguyệt:1 Nhàn:1 Quyên:2 Thơ:2 Thúy:1 Thủy:1 Thương:2
      Trà:2 Trinh:2 Tuyết:1 Vi:2 Xuân:1 Băng:1 Cát:1 Đan:1 Hạ:1 Khanh:1 Loan:1 Miên:1 Mơ:1 Nghi:2 Nhiên:1
      Phúc:1 Quế:1 Sa:1 San:1 Tuệ:1 Tường:1 Uyển:1 Vũ:0 Xoan:0 Ý:1 Yên:1`,
  },
};

const GIVEN_TABLES: Record<Sex, Record<Cohort, Weighted<NamePart>>> = {
  male: { old: table(w(GIVEN.male.old).filter(([, x]) => x > 0)), mid: table(w(GIVEN.male.mid).filter(([, x]) => x > 0)), young: table(w(GIVEN.male.young).filter(([, x]) => x > 0)) },
  female: { old: table(w(GIVEN.female.old).filter(([, x]) => x > 0)), mid: table(w(GIVEN.female.mid).filter(([, x]) => x > 0)), young: table(w(GIVEN.female.young).filter(([, x]) => x > 0)) },
};

/** Every given name the tables can produce, for tests and docs. */
export function allGivenNames(sex: Sex): string[] {
  const s = new Set<string>();
  for (const c of ['old', 'mid', 'young'] as const) for (const p of GIVEN_TABLES[sex][c].items) s.add(p.text);
  return [...s];
}

/** A generated name: parts and the assembled full name and its keys. */
export interface GeneratedName {
  fullName: string;
  nameKey: string;
  given: NamePart;
}

/**
 * Full name for a person with the given family name (a child takes the father's), sex, birth year and
 * name group. Returns the NFC full name, its search key (= searchKey(fullName)) and the given name.
 */
export function personName(rng: Rng, family: NamePart, sex: Sex, birthYear: number, group: NameGroup): GeneratedName {
  const cohort = cohortOf(birthYear);
  let middle: NamePart | null;
  if (group === 'hmong') middle = sex === 'male' ? (rng.chance(0.45) ? H_MONG_MALE_A : VAN) : THI;
  else if (group === 'khmer' || group === 'highlands' || group === 'cham') middle = rng.chance(0.35) ? (sex === 'male' ? VAN : THI) : rng.weighted(MIDDLE[sex][cohort]);
  else middle = rng.chance(cohort === 'old' ? 0.01 : 0.02) ? null : rng.weighted(MIDDLE[sex][cohort]);
  let second: NamePart | null = null;
  if (cohort === 'young' && middle && middle !== THI && middle !== VAN && rng.chance(0.08)) {
    second = rng.weighted(SECOND_MIDDLE[sex]);
    if (second === middle) second = null;
  }
  let given = rng.weighted(GIVEN_TABLES[sex][cohort]);
  // 'Nguyễn Văn Văn' and the like do not happen.
  if (given === middle || given === second) given = rng.weighted(GIVEN_TABLES[sex][cohort]);
  let fullName = family.text;
  let nameKey = family.key;
  if (middle) { fullName += ' ' + middle.text; nameKey += ' ' + middle.key; }
  if (second) { fullName += ' ' + second.text; nameKey += ' ' + second.key; }
  fullName += ' ' + given.text;
  nameKey += ' ' + given.key;
  return { fullName, nameKey, given };
}

// ---- spelling variants (near-duplicates) ------------------------------------------------------

const OLD_STYLE_OA = /([òóỏõọ])([ae])$/u;
const OLD_STYLE_UY = /(?<!q)([ùúủũụ])y$/u;
const NEW_STYLE_OA = /o([àáảãạèéẻẽẹ])$/u;
const NEW_STYLE_UY = /(?<!q)u([ỳýỷỹỵ])$/u;
const TONED_O = 'òóỏõọ';
const TONED_U = 'ùúủũụ';
const TONED_A = 'àáảãạ';
const TONED_E = 'èéẻẽẹ';
const TONED_Y = 'ỳýỷỹỵ';

/** The other tone placement of one word (hòa ↔ hoà, thúy ↔ thuý), or null if it has none. */
export function otherTonePlacement(word: string): string | null {
  let m = OLD_STYLE_OA.exec(word);
  if (m) {
    const i = TONED_O.indexOf(m[1]!);
    const v = m[2] === 'a' ? TONED_A[i] : TONED_E[i];
    return word.slice(0, m.index) + 'o' + v;
  }
  m = OLD_STYLE_UY.exec(word);
  if (m) return word.slice(0, m.index) + 'u' + TONED_Y[TONED_U.indexOf(m[1]!)];
  m = NEW_STYLE_OA.exec(word);
  if (m) {
    const c = m[1]!;
    const a = TONED_A.indexOf(c);
    return word.slice(0, m.index) + (a >= 0 ? TONED_O[a] + 'a' : TONED_O[TONED_E.indexOf(c)] + 'e');
  }
  m = NEW_STYLE_UY.exec(word);
  if (m) return word.slice(0, m.index) + TONED_U[TONED_Y.indexOf(m[1]!)] + 'y';
  return null;
}

const MARKS = /[\u0300-\u036f]/g;
/** A word without its diacritics, case kept (Đ→D). */
export function stripDiacritics(word: string): string {
  return word.normalize('NFD').replace(MARKS, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

/**
 * A slightly different spelling of a full name with the same search key, as a second registration
 * of the same person might carry: the other tone placement (Hòa/Hoà) when a word allows it,
 * otherwise one word typed without diacritics. Null when neither changes anything.
 */
export function spellingVariant(fullName: string, rng: Rng): string | null {
  const words = fullName.split(' ');
  const tone: number[] = [];
  const marked: number[] = [];
  for (let i = 0; i < words.length; i++) {
    if (otherTonePlacement(words[i]!.toLowerCase()) !== null) tone.push(i);
    if (stripDiacritics(words[i]!) !== words[i]) marked.push(i);
  }
  if (tone.length && rng.chance(0.7)) {
    const i = rng.pick(tone);
    const wd = words[i]!;
    const lower = otherTonePlacement(wd.toLowerCase())!;
    words[i] = wd[0] === wd[0]!.toUpperCase() ? lower[0]!.toUpperCase() + lower.slice(1) : lower;
  } else if (marked.length) {
    const i = rng.pick(marked);
    words[i] = stripDiacritics(words[i]!);
  } else {
    return null;
  }
  const v = words.join(' ');
  return v === fullName ? null : v;
}
