export * from './text.ts';
export * from './id-number.ts';
export * from './admin-units.ts';
export * from './ethnic-groups.ts';
export * from './dates.ts';
