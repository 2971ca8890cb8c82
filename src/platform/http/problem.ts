import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from './errors.ts';
import { fill, pickLang, type Lang, type Localised } from '../i18n/lang.ts';

/** RFC 9457 problem details, with our machine code and both languages. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  requestId: string;
  messages: Localised;
  errors?: Array<{ field: string; code: string; message: string; messages: Localised }>;
}

const keywordMessages: Record<string, Localised> = {
  required: { vi: 'Bắt buộc phải có.', en: 'Is required.' },
  minLength: { vi: 'Phải dài ít nhất {limit} ký tự.', en: 'Must be at least {limit} characters.' },
  maxLength: { vi: 'Dài tối đa {limit} ký tự.', en: 'Must be at most {limit} characters.' },
  pattern: { vi: 'Không đúng định dạng.', en: 'Has the wrong format.' },
  format: { vi: 'Không đúng định dạng {format}.', en: 'Is not a valid {format}.' },
  type: { vi: 'Phải là kiểu {type}.', en: 'Must be of type {type}.' },
  enum: { vi: 'Phải là một trong: {allowed}.', en: 'Must be one of: {allowed}.' },
  const: { vi: 'Giá trị không được chấp nhận.', en: 'Value not allowed.' },
  anyOf: { vi: 'Giá trị không được chấp nhận.', en: 'Value not allowed.' },
  minimum: { vi: 'Phải ≥ {limit}.', en: 'Must be ≥ {limit}.' },
  maximum: { vi: 'Phải ≤ {limit}.', en: 'Must be ≤ {limit}.' },
  minItems: { vi: 'Cần ít nhất {limit} phần tử.', en: 'Needs at least {limit} items.' },
  maxItems: { vi: 'Tối đa {limit} phần tử.', en: 'At most {limit} items.' },
  additionalProperties: { vi: 'Trường không được phép.', en: 'Field not allowed.' },
};

interface AjvIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/** Turns ajv's errors into field errors named by dotted path (`address.communeCode`). */
export function fieldErrorsFromValidation(issues: AjvIssue[], context: string | undefined): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of issues) {
    let path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
    if (issue.keyword === 'required') path = [path, String(issue.params.missingProperty)].filter(Boolean).join('.');
    if (issue.keyword === 'additionalProperties') path = [path, String(issue.params.additionalProperty)].filter(Boolean).join('.');
    const field = path || context || 'body';
    if (seen.has(field)) continue;
    seen.add(field);
    const tmpl = keywordMessages[issue.keyword] ?? { vi: 'Giá trị không hợp lệ.', en: 'Invalid value.' };
    const params = { ...issue.params, allowed: Array.isArray(issue.params.allowedValues) ? issue.params.allowedValues.join(', ') : '' };
    out.push({ field, code: issue.keyword, message: { vi: fill(tmpl.vi, params), en: fill(tmpl.en, params) } });
  }
  return out;
}

export function problemFor(err: AppError, req: Pick<FastifyRequest, 'url' | 'id'>, lang: Lang, base: string): Problem {
  const messages = { vi: err.message_('vi'), en: err.message_('en') };
  const p: Problem = {
    type: `${base}/docs/errors#${err.code}`,
    title: err.code,
    status: err.status,
    detail: messages[lang],
    code: err.code,
    instance: req.url,
    requestId: req.id,
    messages,
  };
  if (err.errors.length) p.errors = err.errors.map((e) => ({ field: e.field, code: e.code, message: e.message[lang], messages: e.message }));
  return p;
}

/** Maps anything thrown in a handler to an AppError, so clients never see a stack trace. */
export function toAppError(error: unknown, req: FastifyRequest): AppError {
  if (error instanceof AppError) return error;
  const fe = error as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (fe.validation) return new AppError('VALIDATION_FAILED', {}, fieldErrorsFromValidation(fe.validation, fe.validationContext));
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', { type: req.headers['content-type'] ?? '' });
  }
  if (fe instanceof SyntaxError && fe.statusCode === 400) return new AppError('MALFORMED_JSON');
  if ((error as { code?: string }).code === '40001' || (error as { code?: string }).code === '40P01') return new AppError('CONFLICT');
  return new AppError('INTERNAL', { requestId: req.id });
}

export function sendProblem(reply: FastifyReply, err: AppError, base: string): FastifyReply {
  const lang = pickLang(reply.request.headers['accept-language']);
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  return reply
    .status(err.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .header('content-language', lang)
    .send(problemFor(err, reply.request, lang, base));
}
