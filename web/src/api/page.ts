/** A page of a list as the API answers it (`limit`, `offset`, `sort` in; src/platform/http/paging.ts). */
export interface Page<T> {
  items: T[];
  offset: number;
  limit: number;
  hasMore: boolean;
}

export interface PageQuery {
  limit: number;
  offset: number;
  /** A column, `-column` for descending. */
  sort: string;
}

/** `path?name=value&…` without the empty values. */
export function withQuery(path: string, q: object): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q) as Array<[string, unknown]>) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  return p.size ? `${path}?${p.toString()}` : path;
}
