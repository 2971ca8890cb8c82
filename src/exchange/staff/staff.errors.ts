import { defineErrors } from '../../platform/http/errors.ts';

export const StaffErrors = defineErrors({
  PARTNER_NOT_STAFF: { status: 403, vi: 'Bạn không phải nhân viên của thành viên {member} trong hệ thống khai thác dữ liệu.', en: 'You are not on the staff of the exchange member {member}.' },
  PARTNER_VIEWER_READ_ONLY: { status: 403, vi: 'Vai trò của bạn tại {member} là chỉ xem: không được thay đổi.', en: 'Your role at {member} is viewer: you may not change anything.' },
  PARTNER_SYSTEM_NOT_OF_MEMBER: { status: 404, vi: 'Thành viên {member} không có hệ thống {systemId}.', en: 'Member {member} has no system {systemId}.' },
  PARTNER_SYSTEM_DISABLED: { status: 409, vi: 'Hệ thống {system} đã bị vô hiệu hoá.', en: 'System {system} is disabled.' },
  PARTNER_STAFF_PERSON_UNKNOWN: { status: 400, vi: 'Không có công dân mang số định danh {idNumber}.', en: 'No person with the ID number {idNumber}.' },
  PARTNER_STAFF_NOT_FOUND: { status: 404, vi: 'Số định danh {idNumber} không phải nhân viên của thành viên {member}.', en: 'ID number {idNumber} is not on the staff of member {member}.' },
});
