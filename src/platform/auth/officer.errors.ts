import { defineErrors } from '../http/errors.ts';

/** Errors of the officer administration (creation errors are in platform/http/errors.ts). */
export const OfficerAdminErrors = defineErrors({
  OFFICER_NOT_FOUND: { status: 404, vi: 'Không có cán bộ mã {id}.', en: 'No officer with ID {id}.' },
  OFFICER_SELF_LOCKOUT: { status: 409, vi: 'Bạn không thể tự vô hiệu hoá tài khoản của mình hoặc bỏ vai trò quản trị của chính mình; hãy nhờ một quản trị viên khác.', en: 'You cannot disable your own account or remove your own administrator role; ask another administrator.' },
});
