import type { PersonStatus } from './person-lifecycle.ts';

export type Sex = 'male' | 'female';
export type MaritalStatus = 'single' | 'married' | 'divorced' | 'widowed';

/** A row of registry.person, as stored. */
export interface PersonRow {
  id_number: string;
  full_name: string;
  name_key: string;
  given_key: string;
  other_names: string[];
  sex: Sex;
  birth_year: number;
  birth_month: number | null;
  birth_day: number | null;
  birth_reg_province_code: string;
  birth_reg_commune_code: string | null;
  origin_province_code: string | null;
  origin_commune_code: string | null;
  ethnicity_code: string;
  religion: string;
  nationality: string;
  marital_status: MaritalStatus;
  father_id: string | null;
  mother_id: string | null;
  spouse_id: string | null;
  perm_address: string | null;
  perm_commune_code: string | null;
  perm_province_code: string | null;
  perm_old_commune_code: string | null;
  perm_old_district_code: string | null;
  perm_old_province_code: string | null;
  perm_since: string | null;
  temp_address: string | null;
  temp_commune_code: string | null;
  temp_province_code: string | null;
  temp_until: string | null;
  cur_address: string | null;
  cur_commune_code: string | null;
  cur_province_code: string | null;
  household_no: string | null;
  relation_to_head: string | null;
  status: PersonStatus;
  death_date: string | null;
  version: number;
  synthetic: boolean;
}

export type PersonPatch = Partial<Omit<PersonRow, 'id_number' | 'version' | 'synthetic'>>;

export interface HouseholdRow {
  household_no: string;
  head_id: string;
  address: string;
  commune_code: string;
  province_code: string;
  status: 'active' | 'dissolved';
  synthetic: boolean;
}

export interface AddressInput {
  address: string;
  provinceCode: string;
  communeCode: string;
}

export interface Unit {
  provinceCode: string;
  communeCode: string | null;
}
