import { defineErrors } from '../platform/http/errors.ts';

export const RegistryErrors = defineErrors({
  REGISTRY_PERSON_NOT_FOUND: { status: 404, vi: 'Không có công dân với số định danh {idNumber}.', en: 'No person with ID number {idNumber}.' },
  REGISTRY_INVALID_ID_NUMBER: { status: 400, vi: 'Số định danh cá nhân không hợp lệ: {reason}', en: 'Invalid personal ID number: {reason}' },
  REGISTRY_EVENT_NOT_ALLOWED: { status: 409, vi: 'Không thể ghi nhận "{event}" cho công dân đang ở trạng thái "{status}".', en: 'Cannot record "{event}" for a person whose status is "{status}".' },
  REGISTRY_LEGAL_BASIS_REQUIRED: { status: 400, vi: 'Phải nêu căn cứ pháp lý.', en: 'A legal basis must be stated.' },
  REGISTRY_PURPOSE_REQUIRED: { status: 400, vi: 'Xem toàn bộ thông tin công dân phải nêu mục đích.', en: 'Reading a full record requires a stated purpose.' },
  REGISTRY_UNKNOWN_UNIT: { status: 400, vi: 'Mã đơn vị hành chính {code} không tồn tại hoặc không thuộc tỉnh {provinceCode}.', en: 'Administrative unit {code} does not exist or is not in province {provinceCode}.' },
  REGISTRY_INVALID_DATE: { status: 400, vi: 'Ngày không hợp lệ: {value}.', en: 'Invalid date: {value}.' },
  REGISTRY_PARENT_INVALID: { status: 400, vi: 'Cha/mẹ {idNumber} không hợp lệ: {reason}', en: 'Parent {idNumber} is not valid: {reason}' },
  REGISTRY_HOUSEHOLD_NOT_FOUND: { status: 404, vi: 'Không có hộ {householdNo}.', en: 'No household {householdNo}.' },
  REGISTRY_HOUSEHOLD_CONFLICT: { status: 409, vi: 'Thay đổi hộ không hợp lệ: {reason}', en: 'Conflicting household change: {reason}' },
  REGISTRY_MARRIAGE_CONFLICT: { status: 409, vi: 'Không thể đăng ký: {reason}', en: 'Cannot register: {reason}' },
  REGISTRY_CORRECTION_NOT_FOUND: { status: 404, vi: 'Không có yêu cầu điều chỉnh {id}.', en: 'No correction request {id}.' },
  REGISTRY_CORRECTION_DECIDED: { status: 409, vi: 'Yêu cầu điều chỉnh {id} đã được xử lý.', en: 'Correction request {id} was already decided.' },
  REGISTRY_FOUR_EYES: { status: 403, vi: 'Người đề nghị điều chỉnh không được tự phê duyệt.', en: 'The officer who requested a correction cannot approve it.' },
  REGISTRY_REVIEW_NOT_FOUND: { status: 404, vi: 'Không có hồ sơ nghi trùng {id}.', en: 'No duplicate review {id}.' },
  REGISTRY_REVIEW_DECIDED: { status: 409, vi: 'Hồ sơ nghi trùng {id} đã được xử lý.', en: 'Duplicate review {id} was already decided.' },
  REGISTRY_NO_CHANGE: { status: 400, vi: 'Yêu cầu không thay đổi dữ liệu nào.', en: 'The request changes nothing.' },
});
