import { defineErrors, type FieldError } from '../../platform/http/errors.ts';

/**
 * Errors of the eID accounts. Messages about signing in never say whether an ID number has an
 * account: the statuses (suspended, closed, pending activation) are told only to someone who just
 * proved they hold the account (the right password or passkey).
 */
export const AccountErrors = defineErrors({
  EID_INVALID_CREDENTIALS: { status: 401, vi: 'Số định danh cá nhân hoặc mật khẩu không đúng.', en: 'Wrong personal ID number or password.' },
  EID_ACCOUNT_LOCKED: {
    status: 423,
    vi: 'Đăng nhập bằng số định danh này tạm bị chặn đến {until} do nhập sai nhiều lần. Nếu đây là tài khoản của bạn, bạn có thể mở khoá ngay bằng mã gửi tới số điện thoại đã đăng ký (Mở khoá tài khoản).',
    en: 'Sign-in with this ID number is blocked until {until} after repeated failures. If this is your account, you can unlock it now with a code sent to your registered phone (Unlock account).',
  },
  EID_ACCOUNT_SUSPENDED: { status: 403, vi: 'Tài khoản định danh điện tử đang bị tạm dừng bởi cơ quan quản lý. Vui lòng liên hệ cơ quan Công an gần nhất.', en: 'This eID account is suspended by the authority. Please contact the nearest police office.' },
  EID_ACCOUNT_CLOSED: { status: 403, vi: 'Tài khoản định danh điện tử đã bị đóng.', en: 'This eID account is closed.' },
  EID_ACCOUNT_PENDING_ACTIVATION: { status: 403, vi: 'Tài khoản chưa được kích hoạt: hãy dùng mã kích hoạt đã gửi tới số điện thoại để đặt mật khẩu.', en: 'The account is not activated yet: use the activation code sent to your phone to set a password.' },
  EID_SECOND_FACTOR_REQUIRED: { status: 401, vi: 'Cần nhập mã xác thực từ ứng dụng (TOTP).', en: 'A code from your authenticator app (TOTP) is required.' },
  EID_SECOND_FACTOR_INVALID: { status: 401, vi: 'Mã xác thực từ ứng dụng không đúng hoặc đã được dùng.', en: 'The authenticator code is wrong or was already used.' },
  EID_PASSKEY_FAILED: { status: 401, vi: 'Không xác thực được bằng khoá truy cập (passkey).', en: 'Passkey sign-in failed.' },
  EID_CHALLENGE_INVALID: { status: 400, vi: 'Yêu cầu xác thực đã hết hạn hoặc đã được dùng; hãy thử lại từ đầu.', en: 'The authentication challenge expired or was already used; start again.' },
  EID_SESSION_ENDED: { status: 401, vi: 'Phiên đăng nhập đã kết thúc hoặc bị thu hồi; hãy đăng nhập lại.', en: 'The session ended or was revoked; sign in again.' },
  EID_REGISTRY_MISMATCH: { status: 422, vi: 'Thông tin không khớp với Cơ sở dữ liệu quốc gia về dân cư. Kiểm tra lại số định danh, họ tên và ngày sinh như trên thẻ căn cước.', en: 'The details do not match the national population database. Check the ID number, full name and date of birth as printed on the ID card.' },
  EID_UNDER_AGE: { status: 422, vi: 'Công dân dưới {age} tuổi được cha hoặc mẹ có tài khoản định danh điện tử mức 2 đăng ký.', en: 'Citizens under {age} are registered by a parent who has a level-2 eID account.' },
  EID_WEAK_PASSWORD: { status: 400, vi: 'Mật khẩu chưa đủ mạnh: {reason}', en: 'The password is too weak: {reason}' },
  EID_CODE_INVALID: { status: 400, vi: 'Mã xác thực không đúng; còn {remaining} lần thử.', en: 'Wrong code; {remaining} attempts left.' },
  EID_CODE_EXPIRED: { status: 410, vi: 'Mã xác thực đã hết hạn hoặc không còn dùng được; hãy yêu cầu mã mới.', en: 'The code has expired or can no longer be used; request a new one.' },
  EID_CODE_ATTEMPTS_EXCEEDED: { status: 410, vi: 'Đã nhập sai mã quá số lần cho phép; hãy yêu cầu mã mới.', en: 'Too many wrong codes; request a new one.' },
  EID_CODE_REQUESTS_EXCEEDED: { status: 429, vi: 'Đã yêu cầu quá nhiều mã cho số định danh này; thử lại sau {minutes} phút.', en: 'Too many codes requested for this ID number; retry in {minutes} min.' },
  EID_ACCOUNT_EXISTS: { status: 409, vi: 'Công dân {idNumber} đã có tài khoản định danh điện tử.', en: 'Person {idNumber} already has an eID account.' },
  EID_NOT_GUARDIAN: { status: 403, vi: 'Theo Cơ sở dữ liệu dân cư, bạn không phải cha hoặc mẹ của công dân {idNumber}.', en: 'According to the population database you are not a parent of person {idNumber}.' },
  EID_CHILD_TOO_OLD: { status: 422, vi: 'Công dân từ đủ {age} tuổi tự đăng ký tài khoản định danh điện tử.', en: 'Citizens aged {age} or more register their eID account themselves.' },
  EID_LEVEL2_REQUIRED: { status: 403, vi: 'Cần tài khoản định danh điện tử mức 2.', en: 'A level-2 eID account is required.' },
  EID_PERSON_NOT_ELIGIBLE: { status: 409, vi: 'Không mở tài khoản định danh điện tử cho công dân đang ở trạng thái "{status}".', en: 'No eID account is opened for a person whose status is "{status}".' },
  EID_CHIP_REJECTED: { status: 422, vi: 'Dữ liệu chip không qua được xác thực, không nâng lên mức 2: {failures}.', en: 'The chip data failed verification; no level 2: {failures}.' },
  EID_FACE_NOT_MATCHED: { status: 422, vi: 'Không nâng lên mức 2: cán bộ ghi nhận khuôn mặt không khớp với ảnh trong chip.', en: 'No level 2: the officer recorded that the face does not match the chip portrait.' },
  EID_ALREADY_LEVEL2: { status: 409, vi: 'Công dân {idNumber} đã có tài khoản mức 2; nếu cần lấy lại quyền truy cập, dùng chức năng khôi phục.', en: 'Person {idNumber} already has a level-2 account; use recovery to restore access.' },
  EID_NO_LEVEL2_ACCOUNT: { status: 404, vi: 'Công dân {idNumber} chưa có tài khoản định danh điện tử mức 2 đang mở.', en: 'Person {idNumber} has no open level-2 eID account.' },
  EID_ACCOUNT_NOT_FOUND: { status: 404, vi: 'Công dân {idNumber} không có tài khoản định danh điện tử đang mở.', en: 'Person {idNumber} has no open eID account.' },
  EID_STATUS_CHANGE_NOT_ALLOWED: { status: 409, vi: 'Không thể "{action}" tài khoản đang ở trạng thái "{status}".', en: 'Cannot "{action}" an account whose status is "{status}".' },
  EID_REASON_REQUIRED: { status: 400, vi: 'Phải nêu lý do.', en: 'A reason must be given.' },
  EID_LEVEL2_RESET_AT_COUNTER: { status: 409, vi: 'Tài khoản định danh điện tử mức 2 không khôi phục mật khẩu trực tuyến. Vui lòng mang thẻ căn cước đến cơ quan Công an gần nhất để được khôi phục.', en: 'A level-2 eID account cannot be recovered online. Please bring your ID card to the nearest police office to have it recovered.' },
  EID_TOTP_ALREADY_ENABLED: { status: 409, vi: 'Xác thực bằng ứng dụng (TOTP) đã được bật; hãy gỡ trước khi đăng ký lại.', en: 'Authenticator (TOTP) sign-in is already on; remove it before enrolling again.' },
  EID_TOTP_NOT_PENDING: { status: 409, vi: 'Chưa bắt đầu đăng ký ứng dụng xác thực (TOTP).', en: 'No authenticator (TOTP) enrolment is in progress.' },
  EID_TOTP_NOT_ENABLED: { status: 409, vi: 'Xác thực bằng ứng dụng (TOTP) chưa được bật.', en: 'Authenticator (TOTP) sign-in is not on.' },
  EID_WRONG_PASSWORD: { status: 403, vi: 'Mật khẩu hiện tại không đúng.', en: 'The current password is wrong.' },
  EID_PASSKEY_NOT_FOUND: { status: 404, vi: 'Không có khoá truy cập này trong tài khoản.', en: 'No such passkey on this account.' },
  EID_PASSKEY_REGISTRATION_FAILED: { status: 400, vi: 'Không đăng ký được khoá truy cập: {reason}', en: 'The passkey could not be registered: {reason}' },
  EID_SESSION_NOT_FOUND: { status: 404, vi: 'Không có phiên đăng nhập này trong tài khoản.', en: 'No such session on this account.' },
});

/** A field error naming `field`. */
export const fieldError = (field: string, code: string, vi: string, en: string): FieldError => ({ field, code, message: { vi, en } });
