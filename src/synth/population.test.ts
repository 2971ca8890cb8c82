import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  birthRegistrationCodeForProvince2025, birthRegistrationCodes, communes2025, currentUnitOfOldCommune, ethnicGroups, oldCommunes,
  oldDistricts, provinces2025, searchKey, splitFullName, validateIdNumber,
} from '../vn/index.ts';
import {
  NEAR_DUPLICATE_MARK, REFERENCE_DATE, ageOnReferenceDate, generateBatch, maxBatches, serialBlock,
  type HouseholdRow, type PersonRow,
} from './population.ts';
import { SURNAME_SHARES, allGivenNames, otherTonePlacement, spellingVariant, stripDiacritics } from './names.ts';
import { Permutation1e6, Rng, Weighted } from './random.ts';
import { copyLine, copyText, householdLine, personLine, pgArrayLiteral, PERSON_COLUMNS } from './copy-format.ts';

// One shared sample: 20 batches of 5,000 people (seed 2025).
const SEED = 2025;
const BATCHES = 20;
const SIZE = 5_000;
const batches = Array.from({ length: BATCHES }, (_, b) => generateBatch(SEED, b, SIZE));
const people: PersonRow[] = batches.flatMap((b) => b.people);
const households: HouseholdRow[] = batches.flatMap((b) => b.households);
const byId = new Map(people.map((p) => [p.id_number, p]));
const dups = people.filter((p) => p.other_names.some((n) => n.startsWith(NEAR_DUPLICATE_MARK)));
const share = (f: (p: PersonRow) => boolean, of: readonly PersonRow[] = people) => of.filter(f).length / of.length;

describe('random', () => {
  test('the same seed gives the same stream, another seed another', () => {
    const a = new Rng(1, 2);
    const b = new Rng(1, 2);
    const c = new Rng(1, 3);
    const xs = Array.from({ length: 100 }, () => a.next());
    assert.deepEqual(Array.from({ length: 100 }, () => b.next()), xs);
    assert.notDeepEqual(Array.from({ length: 100 }, () => c.next()), xs);
  });

  test('int, range and float stay in bounds and look uniform', () => {
    const r = new Rng(9);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = r.int(10);
      assert.ok(x >= 0 && x < 10);
      counts[x]++;
      const y = r.range(3, 5);
      assert.ok(y >= 3 && y <= 5);
      const f = r.float();
      assert.ok(f >= 0 && f < 1);
    }
    for (const c of counts) assert.ok(Math.abs(c - 10_000) < 600, `count ${c}`);
  });

  test('weighted tables draw in proportion to the weights (binary search over cumulative weights)', () => {
    const t = new Weighted([['a', 1], ['b', 0], ['c', 3], ['d', 6]] as const);
    const r = new Rng(4);
    const n = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) { const k = t.pick(r); n.set(k, (n.get(k) ?? 0) + 1); }
    assert.equal(n.get('b') ?? 0, 0);
    assert.ok(Math.abs((n.get('a') ?? 0) / 100_000 - 0.1) < 0.01);
    assert.ok(Math.abs((n.get('c') ?? 0) / 100_000 - 0.3) < 0.01);
    assert.ok(Math.abs((n.get('d') ?? 0) / 100_000 - 0.6) < 0.01);
    assert.equal(t.at(0), 'a');
    assert.equal(t.at(0.999999), 'd');
    assert.throws(() => new Weighted([]));
  });

  test('the serial permutation is a bijection of [0, 10^6) for any tweak', () => {
    const p = new Permutation1e6(6);
    for (const tweak of [0, 12345]) {
      const seen = new Uint8Array(1_000_000);
      for (let x = 0; x < 1_000_000; x++) {
        const y = p.apply(x, tweak);
        assert.ok(y >= 0 && y < 1_000_000);
        if (seen[y]) assert.fail(`collision at ${x} → ${y}`);
        seen[y] = 1;
      }
      for (const x of [0, 1, 999_999, 424_242]) assert.equal(p.invert(p.apply(x, tweak), tweak), x);
    }
  });
});

describe('names', () => {
  test('tone placement and missing diacritics keep the search key', () => {
    assert.equal(otherTonePlacement('hòa'), 'hoà');
    assert.equal(otherTonePlacement('hoà'), 'hòa');
    assert.equal(otherTonePlacement('thúy'), 'thuý');
    assert.equal(otherTonePlacement('quý'), null);
    assert.equal(otherTonePlacement('huỳnh'), null);
    assert.equal(stripDiacritics('Đặng'), 'Dang');
    const r = new Rng(3);
    for (const name of ['Nguyễn Thị Hòa', 'Trần Văn Thủy', 'Lê Minh Anh', 'Phạm Thu Hà']) {
      const v = spellingVariant(name, r);
      assert.ok(v && v !== name, name);
      assert.equal(searchKey(v), searchKey(name));
      assert.equal(v.normalize('NFC'), v);
    }
    assert.equal(spellingVariant('Ly A Pao', r), null);
  });

  test('a few hundred given names, all NFC', () => {
    const all = [...allGivenNames('male'), ...allGivenNames('female')];
    assert.ok(new Set(all).size >= 250, `only ${new Set(all).size} given names`);
    for (const n of all) assert.equal(n, n.normalize('NFC'));
  });
});

describe('generateBatch', () => {
  test('is a pure function of (seed, batch, size)', () => {
    assert.deepEqual(generateBatch(SEED, 3, SIZE), batches[3]);
    const other = generateBatch(SEED + 1, 3, SIZE);
    assert.notDeepEqual(other.people.map((p) => p.id_number), batches[3]!.people.map((p) => p.id_number));
    assert.notDeepEqual(generateBatch(SEED, 4, SIZE).people.slice(0, 10), batches[3]!.people.slice(0, 10));
  });

  test('gives exactly the people asked for, all labelled synthetic', () => {
    for (const b of batches) assert.equal(b.people.length, SIZE);
    assert.equal(generateBatch(SEED, 7, SIZE, { people: 1 }).people.length, 1);
    assert.equal(generateBatch(SEED, 7, SIZE, { people: 1234 }).people.length, 1234);
    assert.equal(generateBatch(SEED, 7, SIZE, { people: 0 }).people.length, 0);
    assert.ok(people.every((p) => p.synthetic === true));
    assert.ok(households.every((h) => h.synthetic === true && h.status === 'active'));
  });

  test('every ID number is valid and matches birth year and sex', () => {
    for (const p of people) {
      const v = validateIdNumber(p.id_number, { now: new Date(`${REFERENCE_DATE}T00:00:00Z`) });
      assert.ok(v.ok, `${p.id_number}: ${v.ok ? '' : v.reason}`);
      assert.equal(v.value.birthYear, p.birth_year, p.id_number);
      assert.equal(v.value.sex, p.sex, p.id_number);
    }
  });

  test('ID numbers are unique across batches (20 × 5,000), and so are household numbers', () => {
    assert.equal(byId.size, people.length);
    assert.equal(new Set(households.map((h) => h.household_no)).size, households.length);
    // A short last batch takes its numbers from the same blocks, so it cannot collide with others.
    const short = generateBatch(SEED, BATCHES, SIZE, { people: 777 });
    for (const p of short.people) assert.ok(!byId.has(p.id_number));
    // …and is, for its numbering, the same batch as a full one: same household numbers' prefix.
    assert.ok(short.households[0]!.household_no.endsWith(String(9_000_000_000 + BATCHES * SIZE)));
  });

  test('the serial space is asserted, not silently overflowed', () => {
    assert.equal(serialBlock(50_000), 200);
    assert.equal(maxBatches(50_000), 5_000);
    assert.throws(() => generateBatch(SEED, maxBatches(1_000), 1_000), /serial space/);
  });

  test('birth registration codes: the 2025 province (or, born before the merger, an old province now in it)', () => {
    const newProvinceOfOld = new Map<string, string>();
    for (const { code } of birthRegistrationCodes()) {
      const district = oldDistricts(code.slice(1))[0];
      const commune = district ? oldCommunes(district.code)[0] : undefined;
      const unit = commune ? currentUnitOfOldCommune(commune.code)[0] : undefined;
      if (unit) newProvinceOfOld.set(code, unit.province.code);
    }
    const provinceCodes = new Set(provinces2025().map((p) => p.code));
    let sameAsNew = 0;
    for (const p of people) {
      assert.ok(provinceCodes.has(p.birth_reg_province_code));
      const prefix = p.id_number.slice(0, 3);
      const newCode = birthRegistrationCodeForProvince2025(p.birth_reg_province_code);
      if (prefix === newCode) sameAsNew++;
      else assert.equal(newProvinceOfOld.get(prefix), p.birth_reg_province_code, `${p.id_number} registered in ${p.birth_reg_province_code}`);
      if (`${p.birth_year}-${String(p.birth_month ?? 1).padStart(2, '0')}` >= '2025-07') assert.equal(prefix, newCode);
    }
    assert.ok(sameAsNew / people.length > 0.5, `only ${sameAsNew} IDs with the 2025 province code`);
    // Some people were born in another province than the one they live in.
    assert.ok(share((p) => p.birth_reg_province_code !== p.perm_province_code && p.perm_province_code !== null) > 0.03);
  });

  test('households: one head, members at the household address, links consistent both ways', () => {
    const members = new Map<string, PersonRow[]>();
    for (const p of people) {
      if (p.household_no === null) continue;
      const list = members.get(p.household_no) ?? [];
      list.push(p);
      members.set(p.household_no, list);
    }
    assert.equal(members.size, households.length);
    const communeProvince = new Map(communes2025().map((c) => [c.code, c.provinceCode]));
    for (const h of households) {
      const ms = members.get(h.household_no)!;
      assert.ok(ms.length >= 1 && ms.length <= 8, `${h.household_no} has ${ms.length} members`);
      const heads = ms.filter((m) => m.relation_to_head === 'Chủ hộ');
      assert.equal(heads.length, 1, h.household_no);
      assert.equal(heads[0]!.id_number, h.head_id);
      assert.equal(communeProvince.get(h.commune_code), h.province_code);
      assert.ok(h.household_no.startsWith(`HK${h.province_code}`));
      for (const m of ms) {
        assert.equal(m.perm_address, h.address);
        assert.equal(m.perm_commune_code, h.commune_code);
        assert.equal(m.perm_province_code, h.province_code);
        assert.ok(['Chủ hộ', 'Vợ', 'Chồng', 'Con', 'Bố', 'Mẹ', 'Cháu', 'Khác'].includes(m.relation_to_head!), m.relation_to_head!);
      }
    }
    for (const p of people) {
      if (p.father_id !== null) {
        const f = byId.get(p.father_id)!;
        assert.equal(f.sex, 'male');
        assert.equal(f.household_no, p.household_no ?? byId.get(p.other_names[0]!.slice(NEAR_DUPLICATE_MARK.length))!.household_no);
        assert.ok(p.birth_year - f.birth_year >= 15, `father ${f.id_number} of ${p.id_number}`);
        assert.equal(p.name_key.split(' ')[0], f.name_key.split(' ')[0], 'children take the father\'s surname');
        if (p.household_no !== null) assert.equal(p.full_name.split(' ')[0], f.full_name.split(' ')[0]);
      }
      if (p.mother_id !== null) {
        const m = byId.get(p.mother_id)!;
        assert.equal(m.sex, 'female');
        assert.ok(p.birth_year - m.birth_year >= 15, `mother ${m.id_number} of ${p.id_number}`);
        assert.ok(p.birth_year - m.birth_year <= 46, `mother ${m.id_number} of ${p.id_number}`);
      }
      if (p.spouse_id !== null) {
        const s = byId.get(p.spouse_id)!;
        assert.equal(s.household_no, p.household_no);
        assert.notEqual(s.sex, p.sex);
        if (p.status !== 'deceased') {
          assert.equal(s.spouse_id, p.id_number, `spouse link of ${p.id_number}`);
          assert.equal(p.marital_status, 'married');
          assert.equal(s.marital_status, 'married');
        } else {
          // As the registry records a death: the survivor is widowed, without a spouse link.
          assert.ok(s.status === 'deceased' || (s.spouse_id === null && s.marital_status === 'widowed'));
        }
      } else if (p.status === 'living') {
        assert.notEqual(p.marital_status, 'married', `${p.id_number} married without a spouse`);
      }
    }
    const sizes = [...members.values()].map((m) => m.length);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    assert.ok(mean > 3.2 && mean < 3.8, `mean household size ${mean}`);
    for (let k = 1; k <= 8; k++) assert.ok(sizes.includes(k), `no household of ${k}`);
  });

  test('households cut to fit the end of a batch keep their links valid', () => {
    for (let seed = 1; seed <= 40; seed++) {
      for (const count of [1, 2, 3, 5, 8, 13, 21]) {
        const b = generateBatch(seed, 0, 100, { people: count });
        assert.equal(b.people.length, count);
        const ids = new Map(b.people.map((p) => [p.id_number, p]));
        for (const h of b.households) {
          const ms = b.people.filter((p) => p.household_no === h.household_no);
          assert.equal(ms.filter((m) => m.relation_to_head === 'Chủ hộ').length, 1);
          assert.ok(ms.length >= 1 && ms.length <= 8);
        }
        for (const p of b.people) {
          for (const link of [p.father_id, p.mother_id, p.spouse_id]) if (link !== null) assert.ok(ids.has(link), `${seed}/${count}: dangling ${link}`);
          if (p.spouse_id !== null && p.status !== 'deceased') assert.equal(ids.get(p.spouse_id)!.spouse_id, p.id_number);
          if (p.status === 'living' && p.marital_status === 'married') assert.notEqual(p.spouse_id, null);
        }
      }
    }
  });

  test('age–sex structure near the 2019 census shape', () => {
    const ages = people.map((p) => ({ age: ageOnReferenceDate(p), sex: p.sex }));
    const under15 = ages.filter((a) => a.age < 15).length / ages.length;
    const old = ages.filter((a) => a.age >= 65).length / ages.length;
    assert.ok(Math.abs(under15 - 0.24) < 0.03, `under 15: ${under15}`);
    assert.ok(Math.abs(1 - under15 - old - 0.68) < 0.03, `15–64: ${1 - under15 - old}`);
    assert.ok(Math.abs(old - 0.08) < 0.025, `65+: ${old}`);
    assert.ok(ages.every((a) => a.age >= 0 && a.age <= 110));
    const ratio = (lo: number, hi: number) => {
      const g = ages.filter((a) => a.age >= lo && a.age <= hi);
      return g.filter((a) => a.sex === 'male').length / g.filter((a) => a.sex === 'female').length;
    };
    assert.ok(ratio(0, 14) > 1.05 && ratio(0, 14) < 1.17, `sex ratio 0–14: ${ratio(0, 14)}`);
    assert.ok(ratio(75, 120) < 1, `sex ratio 75+: ${ratio(75, 120)}`);
  });

  test('names: NFC, keys from the full and given names, surname shares near the published ones', () => {
    for (const p of people) {
      assert.equal(p.full_name, p.full_name.normalize('NFC'));
      assert.equal(p.name_key, searchKey(p.full_name));
      assert.equal(p.given_key, searchKey(splitFullName(p.full_name).given));
      assert.ok(p.full_name.split(' ').length >= 2);
    }
    const kinh = people.filter((p) => p.ethnicity_code === '01');
    const surname = (p: PersonRow) => p.full_name.split(' ')[0]!;
    for (const [name, pct] of SURNAME_SHARES) {
      const names = name.split('/');
      const s = share((p) => names.includes(surname(p)), kinh) * 100;
      assert.ok(Math.abs(s - pct) < Math.max(1, pct * 0.15), `${name}: ${s.toFixed(2)}% vs ${pct}%`);
    }
    assert.ok(share((p) => p.sex === 'female' && p.full_name.split(' ')[1] === 'Thị', people.filter((p) => p.sex === 'female')) > 0.3);
  });

  test('birth dates: full for most, year or month only for ~30% of those born before 1950', () => {
    for (const p of people) {
      if (p.birth_day !== null) assert.notEqual(p.birth_month, null);
      if (p.birth_month !== null && p.birth_day !== null) {
        const d = new Date(Date.UTC(p.birth_year, p.birth_month - 1, p.birth_day));
        assert.equal(d.getUTCDate(), p.birth_day, `${p.id_number} born ${p.birth_year}-${p.birth_month}-${p.birth_day}`);
        assert.ok(d.toISOString().slice(0, 10) < REFERENCE_DATE);
      }
    }
    const old = people.filter((p) => p.birth_year < 1950);
    const partial = share((p) => p.birth_day === null, old);
    assert.ok(old.length > 500 && partial > 0.2 && partial < 0.4, `partial ${partial} of ${old.length}`);
    assert.ok(share((p) => p.birth_day === null && p.birth_year >= 1950) === 0);
  });

  test('statuses, temporary residence, ethnicity and religion in plausible shares', () => {
    const deceased = share((p) => p.status === 'deceased');
    assert.ok(deceased >= 0.004 && deceased <= 0.012, `deceased ${deceased}`);
    for (const p of people.filter((x) => x.status === 'deceased')) {
      assert.ok(p.death_date !== null && p.death_date >= `${p.birth_year}` && p.death_date <= REFERENCE_DATE);
    }
    assert.ok(people.some((p) => p.status === 'missing'));
    assert.ok(share((p) => p.status === 'missing') < 0.001);
    assert.ok(people.filter((p) => p.status !== 'deceased').every((p) => p.death_date === null));
    const temp = share((p) => p.temp_address !== null);
    assert.ok(temp > 0.02 && temp < 0.045, `temporary residence ${temp}`);
    for (const p of people.filter((x) => x.temp_address !== null)) {
      assert.ok(p.temp_until! > REFERENCE_DATE);
      assert.notEqual(p.temp_commune_code, p.perm_commune_code);
      assert.equal(p.cur_commune_code, p.temp_commune_code);
    }
    for (const p of people.filter((x) => x.temp_address === null && x.household_no !== null)) {
      assert.equal(p.cur_address, p.perm_address);
      assert.equal(p.cur_commune_code, p.perm_commune_code);
    }
    const codes = new Set(ethnicGroups().map((e) => e.code));
    assert.ok(people.every((p) => codes.has(p.ethnicity_code)));
    const kinh = share((p) => p.ethnicity_code === '01');
    assert.ok(kinh > 0.8 && kinh < 0.93, `Kinh ${kinh}`);
    assert.ok(new Set(people.map((p) => p.ethnicity_code)).size >= 15);
    const none = share((p) => p.religion === 'Không');
    assert.ok(none > 0.75 && none < 0.92, `no religion ${none}`);
    for (const r of ['Phật giáo', 'Công giáo', 'Tin lành', 'Cao Đài', 'Phật giáo Hòa Hảo']) assert.ok(people.some((p) => p.religion === r), r);
    assert.ok(people.every((p) => p.nationality === 'VNM'));
  });

  test('households spread over the 2025 provinces and communes, weighted by population', () => {
    const byProvince = new Map<string, number>();
    for (const h of households) byProvince.set(h.province_code, (byProvince.get(h.province_code) ?? 0) + 1);
    assert.equal(byProvince.size, 34);
    assert.ok((byProvince.get('79') ?? 0) > (byProvince.get('04') ?? 0) * 10);
    assert.ok(new Set(households.map((h) => h.commune_code)).size > 2_500);
  });

  test('~0.1% near-duplicates, each matching its original on name key, birth date and parents', () => {
    assert.ok(dups.length >= 0.0008 * people.length && dups.length <= 0.0013 * people.length, `${dups.length} near-duplicates`);
    for (const d of dups) {
      const o = byId.get(d.other_names[0]!.slice(NEAR_DUPLICATE_MARK.length))!;
      assert.ok(o, `original of ${d.id_number}`);
      assert.notEqual(d.id_number, o.id_number);
      assert.notEqual(d.full_name, o.full_name);
      assert.equal(d.name_key, o.name_key);
      assert.equal(d.birth_year, o.birth_year);
      assert.equal(d.birth_month, o.birth_month);
      assert.equal(d.birth_day, o.birth_day);
      assert.notEqual(d.birth_day, null);
      assert.equal(d.father_id, o.father_id);
      assert.equal(d.mother_id, o.mother_id);
      assert.ok(d.father_id !== null || d.mother_id !== null);
      assert.equal(d.sex, o.sex);
      assert.equal(d.household_no, null);
      assert.equal(d.synthetic, true);
      // In the same batch as its original: a batch regenerates on its own.
      assert.equal(batches.findIndex((b) => b.people.includes(d)), batches.findIndex((b) => b.people.includes(o)));
    }
    assert.ok(people.filter((p) => !dups.includes(p)).every((p) => p.other_names.length === 0));
  });
});

describe('COPY text format', () => {
  test('escapes backslash, tab, newline and carriage return; \\N for null', () => {
    assert.equal(copyText('a\\b\tc\nd\re'), 'a\\\\b\\tc\\nd\\re');
    assert.equal(copyText('Nguyễn Văn A'), 'Nguyễn Văn A');
    assert.equal(copyLine(['x', null, 3, true, ['a"b', 'c\\d', null]]), 'x\t\\N\t3\tt\t{"a\\\\"b","c\\\\\\\\d",NULL}\n');
    assert.equal(pgArrayLiteral([]), '{}');
    assert.equal(pgArrayLiteral(['a b', 'x,y']), '{"a b","x,y"}');
  });

  test('person and household lines have one field per column', () => {
    const p = people[0]!;
    const line = personLine(p);
    assert.ok(line.endsWith('\n'));
    assert.equal(line.slice(0, -1).split('\t').length, PERSON_COLUMNS.length);
    assert.equal(line.slice(0, -1).split('\t').length, Object.keys(p).length);
    const odd = { ...p, full_name: 'Tab\there', perm_address: 'Line\nbreak \\ slash', other_names: ['quote "x"'] };
    const fields = personLine(odd).slice(0, -1).split('\t');
    assert.equal(fields.length, PERSON_COLUMNS.length);
    assert.equal(fields[PERSON_COLUMNS.indexOf('full_name')], 'Tab\\there');
    assert.equal(fields[PERSON_COLUMNS.indexOf('perm_address')], 'Line\\nbreak \\\\ slash');
    assert.equal(fields[PERSON_COLUMNS.indexOf('other_names')], '{"quote \\\\"x\\\\""}');
    assert.equal(householdLine(households[0]!).split('\t').length, 7);
  });
});
