/** RFC 9457 problem details as the server sends them (`application/problem+json`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  /** The server also sends `detail` in both languages, so a shown error can follow a language switch. */
  messages?: { vi: string; en: string };
  errors?: ProblemFieldError[];
}

export interface ProblemFieldError {
  /** Dotted path of the field in the request body (`username`, `address.communeCode`). */
  field: string;
  message: string;
  code?: string;
  messages?: { vi: string; en: string };
}

export type ApiErrorKind =
  /** The server answered with a problem document. */
  | 'problem'
  /** No answer: offline, DNS, connection refused, aborted. */
  | 'network'
  /** An answer that is not what the API promises (an HTML error page from a proxy, bad JSON). */
  | 'unexpected';

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  /** HTTP status; 0 when there was no answer. */
  readonly status: number;
  /** The server's stable code (`AUTH_INVALID_CREDENTIALS`), or `NETWORK_ERROR` / `UNEXPECTED_RESPONSE`. */
  readonly code: string;
  readonly problem: Problem | null;
  readonly fieldErrors: readonly ProblemFieldError[];

  constructor(kind: ApiErrorKind, status: number, problem: Problem | null, cause?: unknown) {
    const code = problem?.code ?? (kind === 'network' ? 'NETWORK_ERROR' : 'UNEXPECTED_RESPONSE');
    super(problem?.detail ?? `${code} (${status})`, cause === undefined ? undefined : { cause });
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.problem = problem;
    this.fieldErrors = problem?.errors ?? [];
  }

  /** The server's message in `lang` when it sent both, else its `detail`; null when there is no problem document. */
  detailIn(lang: 'vi' | 'en'): string | null {
    if (!this.problem) return null;
    return this.problem.messages?.[lang] ?? this.problem.detail;
  }

  /** The message for one field, in `lang` when available. */
  fieldMessage(field: string, lang: 'vi' | 'en'): string | null {
    const e = this.fieldErrors.find((f) => f.field === field);
    return e ? (e.messages?.[lang] ?? e.message) : null;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isLocalised(v: unknown): v is { vi: string; en: string } {
  return isObject(v) && typeof v.vi === 'string' && typeof v.en === 'string';
}

/** Reads a problem document defensively: anything malformed is dropped rather than trusted. */
export function parseProblem(body: unknown, status: number): Problem | null {
  if (!isObject(body) || typeof body.code !== 'string' || typeof body.detail !== 'string') return null;
  const p: Problem = {
    type: typeof body.type === 'string' ? body.type : 'about:blank',
    title: typeof body.title === 'string' ? body.title : body.code,
    status: typeof body.status === 'number' ? body.status : status,
    detail: body.detail,
    code: body.code,
  };
  if (typeof body.instance === 'string') p.instance = body.instance;
  if (typeof body.requestId === 'string') p.requestId = body.requestId;
  if (isLocalised(body.messages)) p.messages = body.messages;
  if (Array.isArray(body.errors)) {
    p.errors = body.errors.flatMap((e): ProblemFieldError[] => {
      if (!isObject(e) || typeof e.field !== 'string' || typeof e.message !== 'string') return [];
      const fe: ProblemFieldError = { field: e.field, message: e.message };
      if (typeof e.code === 'string') fe.code = e.code;
      if (isLocalised(e.messages)) fe.messages = e.messages;
      return [fe];
    });
  }
  return p;
}
