import { defineErrors } from '../../platform/http/errors.ts';

export const OidcErrors = defineErrors({
  OIDC_CLIENT_INVALID: { status: 400, vi: 'Thông tin ứng dụng (client) không hợp lệ: {reason}', en: 'Invalid client metadata: {reason}' },
  OIDC_CLIENT_EXISTS: { status: 409, vi: 'Đã có ứng dụng (client) {clientId}; để đổi khoá, dùng chức năng thay khoá.', en: 'A client {clientId} already exists; to change its keys, replace them.' },
  OIDC_CLIENT_PROTECTED: { status: 409, vi: 'Ứng dụng {clientId} do {owner} quản lý, không sửa ở đây.', en: 'The client {clientId} is managed by {owner}, not here.' },
  OIDC_CLIENT_NOT_FOUND: { status: 404, vi: 'Không có ứng dụng (client) {clientId}.', en: 'No client {clientId}.' },
  OIDC_GRANT_NOT_FOUND: { status: 404, vi: 'Bạn chưa cho phép ứng dụng {clientId}.', en: 'You have not authorised the application {clientId}.' },
  OIDC_TOKEN_INVALID: { status: 401, vi: 'Mã truy cập (access token) không hợp lệ hoặc đã hết hạn.', en: 'The access token is invalid or has expired.' },
});
