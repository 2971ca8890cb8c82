import { ApiError, parseProblem } from './problem.ts';

let requestLanguage: 'vi' | 'en' = 'vi';
const unauthorizedListeners = new Set<() => void>();

/** The UI language, sent as `Accept-Language` so the server's messages match the page. */
export function setRequestLanguage(lang: 'vi' | 'en'): void {
  requestLanguage = lang;
}

/** Called when any request answers 401 `AUTH_REQUIRED` or `EID_SESSION_ENDED` (the session ended or was revoked). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

function isJson(res: Response): boolean {
  return /\bjson\b/i.test(res.headers.get('content-type') ?? '');
}

/**
 * One call to the API: JSON in and out, the session cookie (same origin only), the UI language.
 * Resolves with the parsed body (undefined for 204); rejects with an ApiError otherwise.
 */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json, application/problem+json',
    'accept-language': requestLanguage,
    ...opts.headers,
  };
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (opts.signal) init.signal = opts.signal;
  if (opts.body !== undefined) {
    // Only with a body: the server rejects an empty body declared as JSON.
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }

  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError('network', 0, null, err);
  }

  if (res.ok) {
    if (res.status === 204 || res.headers.get('content-length') === '0') return undefined as T;
    if (!isJson(res)) throw new ApiError('unexpected', res.status, null);
    try {
      return (await res.json()) as T;
    } catch (err) {
      throw new ApiError('unexpected', res.status, null, err);
    }
  }

  let problem = null;
  if (isJson(res)) {
    try {
      problem = parseProblem(await res.json(), res.status);
    } catch {
      problem = null;
    }
  }
  const error = new ApiError(problem ? 'problem' : 'unexpected', res.status, problem);
  if (res.status === 401 && (error.code === 'AUTH_REQUIRED' || error.code === 'EID_SESSION_ENDED')) for (const l of unauthorizedListeners) l();
  throw error;
}

export const api = {
  get: <T>(path: string, opts?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>) => request<T>('PUT', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>) => request<T>('PATCH', path, { ...opts, body }),
  delete: <T>(path: string, opts?: Omit<RequestOptions, 'body'>) => request<T>('DELETE', path, opts),
};
