import { defineErrors } from '../platform/http/errors.ts';

export const CardsErrors = defineErrors({
  CARDS_CARD_NOT_FOUND: { status: 404, vi: 'Công dân {idNumber} không có thẻ số {cardNo}.', en: 'Person {idNumber} has no card number {cardNo}.' },
  CARDS_PERSON_NOT_LIVING: { status: 409, vi: 'Không cấp thẻ căn cước cho công dân đang ở trạng thái "{status}".', en: 'No ID card is issued to a person whose status is "{status}".' },
  CARDS_NOT_A_CITIZEN: { status: 409, vi: 'Thẻ căn cước chỉ cấp cho công dân Việt Nam; quốc tịch ghi nhận: {nationality}.', en: 'ID cards are issued to Vietnamese citizens only; recorded nationality: {nationality}.' },
  CARDS_ISSUE_NOT_ALLOWED: { status: 409, vi: 'Không thể "{kind}" khi thẻ gần nhất ở trạng thái "{status}"; được phép: {allowed}.', en: 'Cannot record "{kind}" while the latest card is "{status}"; allowed: {allowed}.' },
  CARDS_STATUS_CHANGE_NOT_ALLOWED: { status: 409, vi: 'Không thể "{action}" thẻ số {cardNo} đang ở trạng thái "{status}".', en: 'Cannot "{action}" card number {cardNo} whose status is "{status}".' },
  CARDS_LEGAL_BASIS_REQUIRED: { status: 400, vi: 'Phải nêu căn cứ pháp lý.', en: 'A legal basis must be stated.' },
  CARDS_NO_RESIDENCE: { status: 409, vi: 'Công dân {idNumber} chưa có nơi cư trú để ghi trên thẻ.', en: 'Person {idNumber} has no place of residence to print on the card.' },
  CARDS_NAME_NOT_PRINTABLE: { status: 422, vi: 'Họ tên "{fullName}" không chuyển được sang vùng đọc máy (MRZ).', en: 'The name "{fullName}" cannot be written in the machine-readable zone.' },
});
