import { fill, type Lang, type Localised } from '../i18n/lang.ts';

export interface ErrorDef extends Localised {
  status: number;
}

const catalogue = new Map<string, ErrorDef>();

/**
 * Each module declares its errors once, with a stable code, a status and messages in Vietnamese
 * and English (`{name}` placeholders). The catalogue is what docs/errors.md must list.
 */
export function defineErrors<const T extends Record<string, ErrorDef>>(defs: T): { [K in keyof T]: K } {
  const codes = {} as { [K in keyof T]: K };
  for (const [code, def] of Object.entries(defs)) {
    if (!/^[A-Z][A-Z0-9_]+$/.test(code)) throw new Error(`bad error code ${code}`);
    const known = catalogue.get(code);
    if (known && (known.vi !== def.vi || known.status !== def.status)) throw new Error(`error code ${code} defined twice`);
    catalogue.set(code, def);
    (codes as Record<string, string>)[code] = code;
  }
  return codes;
}

export function errorCatalogue(): ReadonlyMap<string, ErrorDef> {
  return catalogue;
}

/** A parameter may itself be localised (`{ vi, en }`): each message takes its own language. */
export function localParams(params: Record<string, unknown>, lang: Lang): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) out[k] = v && typeof v === 'object' && 'vi' in v && 'en' in v ? (v as Localised)[lang] : v;
  return out;
}

export interface FieldError {
  field: string;
  code: string;
  message: Localised;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: string,
    readonly params: Record<string, unknown> = {},
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    const def = catalogue.get(code);
    if (!def) throw new Error(`undeclared error code ${code}`);
    super(fill(def.en, localParams(params, 'en')));
    this.status = def.status;
  }

  message_(lang: Lang): string {
    const def = catalogue.get(this.code)!;
    return fill(def[lang], localParams(this.params, lang));
  }
}

export const PlatformErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, vi: 'Dữ liệu gửi lên không hợp lệ.', en: 'The request is not valid.' },
  NOT_FOUND: { status: 404, vi: 'Không tìm thấy địa chỉ {path}.', en: 'No resource at {path}.' },
  METHOD_NOT_ALLOWED: { status: 405, vi: 'Phương thức không được hỗ trợ.', en: 'Method not allowed.' },
  PAYLOAD_TOO_LARGE: { status: 413, vi: 'Dữ liệu gửi lên quá lớn.', en: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, vi: 'Định dạng dữ liệu không được hỗ trợ: {type}.', en: 'Unsupported content type: {type}.' },
  MALFORMED_JSON: { status: 400, vi: 'Nội dung JSON không đọc được.', en: 'The JSON body could not be parsed.' },
  AUTH_REQUIRED: { status: 401, vi: 'Cần đăng nhập.', en: 'Sign-in required.' },
  AUTH_INVALID_CREDENTIALS: { status: 401, vi: 'Tên đăng nhập hoặc mật khẩu không đúng.', en: 'Wrong username or password.' },
  AUTH_ACCOUNT_LOCKED: { status: 423, vi: 'Tài khoản tạm khoá do đăng nhập sai nhiều lần, thử lại sau {until}.', en: 'Account locked after repeated failed sign-ins; try again after {until}.' },
  AUTH_ACCOUNT_DISABLED: { status: 403, vi: 'Tài khoản đã bị vô hiệu hoá.', en: 'This account is disabled.' },
  FORBIDDEN_ROLE: { status: 403, vi: 'Vai trò của bạn ({roles}) không được phép thực hiện thao tác này; cần một trong: {required}.', en: 'Your roles ({roles}) may not do this; one of these is required: {required}.' },
  FORBIDDEN_JURISDICTION: { status: 403, vi: 'Ngoài phạm vi quản lý của bạn ({yours}); đối tượng thuộc {theirs}.', en: 'Outside your jurisdiction ({yours}); the subject belongs to {theirs}.' },
  CSRF_REJECTED: { status: 403, vi: 'Yêu cầu bị từ chối: thiếu tiêu đề chống giả mạo hoặc sai nguồn gốc.', en: 'Request rejected: cross-site request check failed.' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, vi: 'Khoá Idempotency-Key đã được dùng cho một yêu cầu khác.', en: 'This Idempotency-Key was already used for a different request.' },
  IDEMPOTENCY_KEY_INVALID: { status: 400, vi: 'Idempotency-Key phải dài 8–128 ký tự chữ, số, "-" hoặc "_".', en: 'Idempotency-Key must be 8–128 letters, digits, "-" or "_".' },
  CONFLICT: { status: 409, vi: 'Dữ liệu đã bị thay đổi đồng thời, vui lòng thử lại.', en: 'The data was changed concurrently; please retry.' },
  RATE_LIMITED: { status: 429, vi: 'Quá nhiều yêu cầu, thử lại sau {seconds} giây.', en: 'Too many requests; retry in {seconds} s.' },
  SERVICE_UNAVAILABLE: { status: 503, vi: 'Dịch vụ tạm thời không sẵn sàng.', en: 'The service is temporarily unavailable.' },
  INTERNAL: { status: 500, vi: 'Lỗi hệ thống. Mã yêu cầu: {requestId}.', en: 'Internal error. Request id: {requestId}.' },
  OFFICER_USERNAME_TAKEN: { status: 409, vi: 'Tên đăng nhập {username} đã tồn tại.', en: 'Username {username} is already taken.' },
  OFFICER_UNKNOWN_UNIT: { status: 400, vi: 'Không có đơn vị hành chính mã {code}.', en: 'No administrative unit with code {code}.' },
  OFFICER_WEAK_PASSWORD: { status: 400, vi: 'Mật khẩu phải dài ít nhất 12 ký tự, không phải mật khẩu phổ biến và không chứa tên đăng nhập.', en: 'The password must be at least 12 characters, not a common password, and not contain the username.' },
});
