/**
 * Vietnamese messages: the source of truth for message keys (Vietnamese is the default language).
 * `{name}` placeholders are typed: `t('home.greeting', { name })` must pass exactly these names.
 * Wording follows the glossary in DOMAIN.md §8.
 */
export const vi = {
  'app.name': 'Open06 — CSDL quốc gia về dân cư',
  'app.skipToContent': 'Bỏ qua, đến nội dung chính',
  'app.loading': 'Đang tải…',
  'app.loadFailed': 'Không tải được dữ liệu',
  'app.retry': 'Thử lại',
  'app.pageTitle': '{page} — Open06',
  'app.moduleFailed': 'Không tải được trang này. Kiểm tra kết nối mạng rồi tải lại trang.',
  'app.reload': 'Tải lại trang',

  'lang.label': 'Ngôn ngữ',
  'lang.vi': 'Tiếng Việt',
  'lang.en': 'English',

  'form.optional': '(không bắt buộc)',
  'form.errorPrefix': 'Lỗi:',
  'value.none': 'chưa có thông tin',

  'table.sortHint': 'Bấm tiêu đề cột để sắp xếp.',
  'pager.label': 'Các trang',
  'pager.previous': 'Trang trước',
  'pager.next': 'Trang sau',
  'pager.page': 'Trang {n}',

  'nav.label': 'Phân hệ',
  'nav.menu': 'Danh mục',
  'nav.home': 'Trang chủ',
  'nav.population': 'Dân cư',
  'nav.cards': 'Thẻ căn cước',
  'nav.eid': 'Định danh điện tử',
  'nav.exchange': 'Khai thác dữ liệu',
  'nav.audit': 'Nhật ký truy cập',
  'nav.admin': 'Quản trị',
  'nav.comingSoon': 'sắp có',

  'header.officer': 'Cán bộ',
  'header.roles': 'Vai trò',
  'header.jurisdiction': 'Phạm vi quản lý',
  'header.signOut': 'Đăng xuất',
  'header.signingOut': 'Đang đăng xuất…',

  'role.registrar': 'Cán bộ đăng ký',
  'role.card_officer': 'Cán bộ cấp thẻ',
  'role.service_officer': 'Cán bộ dịch vụ công',
  'role.supervisor': 'Lãnh đạo phê duyệt',
  'role.auditor': 'Kiểm toán viên',
  'role.admin': 'Quản trị',
  'role.none': 'Chưa được phân vai trò',

  'jurisdiction.nationwide': 'Toàn quốc',
  'jurisdiction.province': '{province}',
  'jurisdiction.commune': '{commune}, {province}',

  'signIn.title': 'Đăng nhập cán bộ',
  'signIn.intro': 'Dành cho cán bộ đã được cấp tài khoản. Mỗi lần đăng nhập đều được ghi vào nhật ký truy cập.',
  'signIn.username': 'Tên đăng nhập',
  'signIn.password': 'Mật khẩu',
  'signIn.submit': 'Đăng nhập',
  'signIn.submitting': 'Đang đăng nhập…',
  'signIn.usernameRequired': 'Nhập tên đăng nhập.',
  'signIn.passwordRequired': 'Nhập mật khẩu.',
  'signIn.errorHeading': 'Chưa đăng nhập được',
  'signIn.sessionExpired': 'Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.',
  'signIn.signedOut': 'Bạn đã đăng xuất.',

  'error.network': 'Không kết nối được máy chủ. Kiểm tra kết nối mạng rồi thử lại.',
  'error.unexpected': 'Máy chủ trả lời không như mong đợi (mã {status}). Vui lòng thử lại sau.',
  'error.startup': 'Không tải được phiên làm việc',

  'home.title': 'Trang chủ',
  'home.greeting': 'Xin chào, {name}',
  'home.summary': 'Bạn đang làm việc với vai trò {roles}. Phạm vi quản lý: {jurisdiction}.',
  'home.account': 'Tài khoản',
  'home.username': 'Tên đăng nhập',
  'home.modules': 'Các phân hệ',
  'home.modulesNote': 'Phân hệ ghi “sắp có” chưa được xây dựng; phân hệ sẽ mở trong danh mục khi sẵn sàng.',
  'home.moduleAvailable': 'đang hoạt động',

  'notFound.title': 'Không tìm thấy trang',
  'notFound.body': 'Địa chỉ {path} không có trong ứng dụng.',
  'notFound.back': 'Về trang chủ',
} as const;
