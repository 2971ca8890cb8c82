/** What the citizen receives by SMS, in Vietnamese and English. Codes are never logged. */
import type { Localised } from '../../platform/i18n/lang.ts';
import { vnTime } from '../../platform/auth/officer.service.ts';

const WHAT: Record<'register' | 'activate' | 'unlock' | 'reset_password', Localised> = {
  register: { vi: 'đăng ký tài khoản định danh điện tử', en: 'eID account registration' },
  activate: { vi: 'kích hoạt tài khoản định danh điện tử', en: 'eID account activation' },
  unlock: { vi: 'mở khoá tài khoản định danh điện tử', en: 'eID account unlock' },
  reset_password: { vi: 'đặt lại mật khẩu tài khoản định danh điện tử', en: 'eID password reset' },
};

export function codeText(purpose: keyof typeof WHAT, code: string, expiresAt: Date): Localised {
  return {
    vi: `Open06: mã ${code} dùng để ${WHAT[purpose].vi}, hết hạn lúc ${vnTime(expiresAt)}. Không cung cấp mã này cho bất kỳ ai.`,
    en: `Open06: code ${code} for ${WHAT[purpose].en}, valid until ${vnTime(expiresAt)}. Never share this code.`,
  };
}

export const NOTICE = {
  registrationWithExistingAccount: (): Localised => ({
    vi: 'Open06: có yêu cầu mở tài khoản định danh điện tử bằng số định danh của bạn, nhưng bạn đã có tài khoản. Hãy đăng nhập hoặc dùng chức năng quên mật khẩu. Nếu không phải bạn yêu cầu, hãy bỏ qua tin này.',
    en: 'Open06: someone asked to open an eID account with your ID number, but you already have one. Sign in or use "forgot password". If it was not you, ignore this message.',
  }),
  newDevice: (at: Date, ip: string | null, userAgent: string | null): Localised => {
    const device = (userAgent ?? '').slice(0, 60) || 'không rõ / unknown';
    return {
      vi: `Open06: tài khoản định danh điện tử của bạn vừa đăng nhập trên thiết bị mới (${device}, IP ${ip ?? '?'}) lúc ${vnTime(at)}. Nếu không phải bạn, hãy đổi mật khẩu và thu hồi phiên đăng nhập đó.`,
      en: `Open06: your eID account signed in on a new device (${device}, IP ${ip ?? '?'}) at ${vnTime(at)}. If it was not you, change your password and revoke that session.`,
    };
  },
  passwordChanged: (at: Date): Localised => ({
    vi: `Open06: mật khẩu tài khoản định danh điện tử của bạn đã được thay đổi lúc ${vnTime(at)}. Nếu không phải bạn, hãy liên hệ cơ quan Công an gần nhất.`,
    en: `Open06: your eID password was changed at ${vnTime(at)}. If it was not you, contact the nearest police office.`,
  }),
  childAccountOpened: (childIdNumber: string): Localised => ({
    vi: `Open06: bạn đã mở tài khoản định danh điện tử mức 1 cho con (số định danh ...${childIdNumber.slice(-4)}). Mã xác thực của tài khoản này sẽ gửi tới số điện thoại của bạn.`,
    en: `Open06: you opened a level-1 eID account for your child (ID number ...${childIdNumber.slice(-4)}). Its codes will be sent to your phone.`,
  }),
  accountClosed: (): Localised => ({
    vi: 'Open06: tài khoản định danh điện tử của bạn đã được đóng theo yêu cầu. Mọi phiên đăng nhập đã bị thu hồi.',
    en: 'Open06: your eID account was closed at your request. Every session was revoked.',
  }),
  level2ResetRefused: (): Localised => ({
    vi: 'Open06: có yêu cầu đặt lại mật khẩu tài khoản định danh điện tử mức 2 của bạn. Tài khoản mức 2 chỉ được khôi phục tại cơ quan Công an; hãy mang thẻ căn cước đến để được hỗ trợ.',
    en: 'Open06: someone asked to reset the password of your level-2 eID account. Level-2 accounts are recovered only at a police office; bring your ID card there.',
  }),
  suspended: (): Localised => ({
    vi: 'Open06: tài khoản định danh điện tử của bạn đã bị tạm dừng bởi cơ quan quản lý. Vui lòng liên hệ cơ quan Công an gần nhất.',
    en: 'Open06: your eID account was suspended by the authority. Please contact the nearest police office.',
  }),
  /** An organisation asked for consent (no personal data, and a link without parameters). */
  consentRequested: (organisation: string, portalUrl: string): Localised => ({
    vi: `Open06: ${organisation} đề nghị bạn đồng ý cho sử dụng dữ liệu cá nhân. Hãy đăng nhập Cổng công dân, mục "Sự đồng ý của tôi" (${portalUrl}), để đồng ý hoặc từ chối.`,
    en: `Open06: ${organisation} asks for your consent to use your personal data. Sign in to the citizen portal, "My consents" (${portalUrl}), to approve or decline.`,
  }),
  reactivated: (): Localised => ({
    vi: 'Open06: tài khoản định danh điện tử của bạn đã được mở lại.',
    en: 'Open06: your eID account was reactivated.',
  }),
};
