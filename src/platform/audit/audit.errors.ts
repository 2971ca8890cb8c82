import { defineErrors } from '../http/errors.ts';

/** Errors of audit checkpoints and their signed receipts. */
export const AuditErrors = defineErrors({
  AUDIT_CHECKPOINT_NOT_FOUND: { status: 404, vi: 'Chưa có điểm kiểm tra nào ở bản ghi #{seq}.', en: 'No checkpoint was recorded at entry #{seq}.' },
  AUDIT_NO_CHECKPOINT: { status: 404, vi: 'Chưa có điểm kiểm tra nào: hãy kiểm tra chuỗi nhật ký trước.', en: 'No checkpoint yet: verify the audit chain first.' },
  AUDIT_CHECKPOINT_CHANGED: { status: 409, vi: 'Không ký biên nhận: bản ghi #{seq} không còn mã băm đã ghi ở điểm kiểm tra; hãy kiểm tra toàn bộ chuỗi.', en: 'No receipt signed: entry #{seq} no longer has the hash recorded at the checkpoint; verify the whole chain.' },
  AUDIT_RECEIPT_MALFORMED: { status: 400, vi: 'Biên nhận không đúng định dạng: {reason}.', en: 'The receipt is malformed: {reason}.' },
  AUDIT_RECEIPT_UNKNOWN_KEY: { status: 422, vi: 'Biên nhận được ký bằng khoá {kid} mà hệ thống không có.', en: 'The receipt was signed with key {kid}, which this platform does not have.' },
  AUDIT_RECEIPT_BAD_SIGNATURE: { status: 422, vi: 'Chữ ký của biên nhận không hợp lệ: biên nhận đã bị sửa hoặc không do khoá {kid} ký.', en: 'The receipt\'s signature does not verify: the receipt was altered or not signed by key {kid}.' },
  AUDIT_RECEIPT_PUSH_NOT_FOUND: { status: 404, vi: 'Không có lượt gửi biên nhận mã {id}.', en: 'No receipt push with ID {id}.' },
  AUDIT_RECEIPT_PUSH_NOT_FAILED: { status: 409, vi: 'Lượt gửi biên nhận {id} đang ở trạng thái “{status}”: chỉ gửi lại được lượt đã gửi không thành công.', en: 'Receipt push {id} is “{status}”: only a push that failed can be sent again.' },
  AUDIT_KEEPER_TOKEN: { status: 401, vi: 'Thiếu mã truy cập của nơi lưu giữ hoặc mã không đúng (?token=…).', en: 'The keeper\'s token (?token=…) is missing or wrong.' },
  AUDIT_KEEPER_REFUSED: { status: 422, vi: 'Biên nhận bị từ chối, không lưu: {reason}', en: 'The receipt was refused and not kept: {reason}' },
  AUDIT_KEEPER_REWRITTEN: { status: 409, vi: 'Chuỗi nhật ký kiểm toán đã bị viết lại: biên nhận này ký mã băm {hash} cho bản ghi #{seq}, nhưng nơi lưu giữ đang giữ biên nhận ghi {kept}. Không lưu; hãy giữ các biên nhận và báo cáo.', en: 'The audit chain was rewritten: this receipt signs hash {hash} for entry #{seq}, but the keeper holds a receipt that says {kept}. Not kept; keep the receipts and report it.' },
});
