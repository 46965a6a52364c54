/// The dashboard's messages in each ``DashboardLanguage``: every label the pages show goes through here.
enum DashboardCatalogue {
    /// A message of the dashboard.
    enum Key: String, CaseIterable, Sendable {
        case title, signedInAs, role, logout, languageName, otherLanguage, month, show, noData
        case loginTitle, loginToken, loginSubmit, loginFailed, loginHint
        case exchangesTitle, byConsumer, byProvider, consumer, provider, total, allowed, denied, failed
        case denialsTitle, reason, count
        case latencyTitle, latencyNote, byRoute, byRegistry, byUpstream, name, requests, p50, p90, p99
        case upstreamTitle, registry, kind, health, breaker, detail, upstreamCalls, upstreamErrors
        case auditTitle, auditEnabled, auditHead, auditLastCheckpoint, auditRecordsSince, auditNoCheckpoint
        case auditChain, auditIntact, auditBreak, auditQueue, auditFailedBatches, yes, no
        case errorsTitle, errorsNote, time, listener, route, status, code
        case connectorsTitle, test, testing, testPassed, testFailed, viewerCannotTest
        case roleViewer, roleOperator, roleSecurityOfficer, healthUp, healthDegraded, healthDown
        case breakerClosed, breakerOpen, breakerHalfOpen, breakerNone
    }

    /// The keys of the values the API returns as codes (roles, health, breaker states), by code.
    static let values: [String: Key] = [
        "viewer": .roleViewer, "operator": .roleOperator, "security-officer": .roleSecurityOfficer,
        "up": .healthUp, "degraded": .healthDegraded, "down": .healthDown, "closed": .breakerClosed,
        "open": .breakerOpen, "half-open": .breakerHalfOpen, "none": .breakerNone,
    ]

    /// The text of a code the API returns (a role, a health or breaker state); an unknown code as it is.
    static func value(_ code: String, _ language: DashboardLanguage) -> String {
        values[code].map { text($0, language) } ?? code
    }

    /// The text of `key` in `language`.
    static func text(_ key: Key, _ language: DashboardLanguage) -> String {
        messages[language]?[key] ?? key.rawValue
    }

    static let messages: [DashboardLanguage: [Key: String]] = [.vi: vietnamese, .en: english]

    static let vietnamese: [Key: String] = [
        .title: "Bảng điều khiển Lienthong", .signedInAs: "Đăng nhập với tên", .role: "vai trò",
        .logout: "Đăng xuất", .languageName: "Tiếng Việt", .otherLanguage: "English", .month: "Tháng",
        .show: "Xem", .noData: "Chưa có dữ liệu.",
        .loginTitle: "Đăng nhập quản trị", .loginToken: "Mã truy cập quản trị", .loginSubmit: "Đăng nhập",
        .loginFailed: "Mã truy cập không đúng hoặc không phải của người quản trị nút này.",
        .loginHint: "Dán mã truy cập quản trị (tệp secrets/admin-*.token trong thư mục dữ liệu).",
        .exchangesTitle: "Số lượt trao đổi trong tháng", .byConsumer: "Theo bên khai thác",
        .byProvider: "Theo bên cung cấp", .consumer: "Bên khai thác", .provider: "Bên cung cấp", .total: "Tổng",
        .allowed: "Cho phép", .denied: "Từ chối", .failed: "Lỗi",
        .denialsTitle: "Từ chối theo lý do", .reason: "Lý do", .count: "Số lượt",
        .latencyTitle: "Độ trễ (phân vị)", .latencyNote: "Ước lượng từ biểu đồ tần suất của nút từ khi khởi động.",
        .byRoute: "Theo tuyến", .byRegistry: "Theo cơ sở dữ liệu", .byUpstream: "Gọi hệ thống nguồn",
        .name: "Tên", .requests: "Số yêu cầu", .p50: "P50", .p90: "P90", .p99: "P99",
        .upstreamTitle: "Tình trạng hệ thống nguồn và cầu dao", .registry: "Cơ sở dữ liệu", .kind: "Loại",
        .health: "Tình trạng", .breaker: "Cầu dao", .detail: "Chi tiết", .upstreamCalls: "Lượt gọi",
        .upstreamErrors: "Lượt lỗi",
        .auditTitle: "Chuỗi nhật ký kiểm toán", .auditEnabled: "Đang ghi", .auditHead: "Số thứ tự bản ghi cuối",
        .auditLastCheckpoint: "Điểm kiểm tra gần nhất", .auditRecordsSince: "Bản ghi từ điểm kiểm tra",
        .auditNoCheckpoint: "Chưa có điểm kiểm tra", .auditChain: "Chuỗi", .auditIntact: "Nguyên vẹn",
        .auditBreak: "Đứt gãy chưa xác minh", .auditQueue: "Hàng đợi", .auditFailedBatches: "Lô ghi lỗi",
        .yes: "Có", .no: "Không",
        .errorsTitle: "Lỗi gần đây", .errorsNote: "Các câu trả lời lỗi gần nhất (không có dữ liệu cá nhân).",
        .time: "Thời điểm", .listener: "Cổng", .route: "Tuyến", .status: "Mã trạng thái", .code: "Mã lỗi",
        .connectorsTitle: "Bộ kết nối", .test: "Kiểm tra", .testing: "Đang kiểm tra…", .testPassed: "Đạt",
        .testFailed: "Không đạt", .viewerCannotTest: "Chỉ người vận hành mới được chạy kiểm tra.",
        .roleViewer: "người xem", .roleOperator: "người vận hành", .roleSecurityOfficer: "cán bộ bảo mật",
        .healthUp: "hoạt động", .healthDegraded: "suy giảm", .healthDown: "ngừng", .breakerClosed: "đóng",
        .breakerOpen: "mở (đã ngắt)", .breakerHalfOpen: "nửa mở", .breakerNone: "không có",
    ]

    static let english: [Key: String] = [
        .title: "Lienthong dashboard", .signedInAs: "Signed in as", .role: "role", .logout: "Sign out",
        .languageName: "English", .otherLanguage: "Tiếng Việt", .month: "Month", .show: "Show",
        .noData: "No data yet.",
        .loginTitle: "Admin sign-in", .loginToken: "Admin token", .loginSubmit: "Sign in",
        .loginFailed: "The token is wrong or is not an operator token of this node.",
        .loginHint: "Paste an admin token (a secrets/admin-*.token file in the data directory).",
        .exchangesTitle: "Exchanges this month", .byConsumer: "By consumer", .byProvider: "By provider",
        .consumer: "Consumer", .provider: "Provider", .total: "Total", .allowed: "Allowed", .denied: "Denied",
        .failed: "Failed",
        .denialsTitle: "Denials by reason", .reason: "Reason", .count: "Count",
        .latencyTitle: "Latency percentiles", .latencyNote: "Estimated from the node's histograms since it started.",
        .byRoute: "By route", .byRegistry: "By registry", .byUpstream: "Back-end calls", .name: "Name",
        .requests: "Requests", .p50: "P50", .p90: "P90", .p99: "P99",
        .upstreamTitle: "Upstream health and breakers", .registry: "Registry", .kind: "Kind", .health: "Health",
        .breaker: "Breaker", .detail: "Detail", .upstreamCalls: "Calls", .upstreamErrors: "Errors",
        .auditTitle: "Audit chain", .auditEnabled: "Recording", .auditHead: "Head sequence number",
        .auditLastCheckpoint: "Last checkpoint", .auditRecordsSince: "Records since the checkpoint",
        .auditNoCheckpoint: "No checkpoint yet", .auditChain: "Chain", .auditIntact: "Intact",
        .auditBreak: "Unverified break", .auditQueue: "Queue", .auditFailedBatches: "Failed batches",
        .yes: "Yes", .no: "No",
        .errorsTitle: "Recent errors", .errorsNote: "The latest problem answers (no personal data).",
        .time: "Time", .listener: "Listener", .route: "Route", .status: "Status", .code: "Code",
        .connectorsTitle: "Connectors", .test: "Test", .testing: "Testing…", .testPassed: "Passed",
        .testFailed: "Failed", .viewerCannotTest: "Only operators may run a test.",
        .roleViewer: "viewer", .roleOperator: "operator", .roleSecurityOfficer: "security officer",
        .healthUp: "up", .healthDegraded: "degraded", .healthDown: "down", .breakerClosed: "closed",
        .breakerOpen: "open (tripped)", .breakerHalfOpen: "half-open", .breakerNone: "none",
    ]
}
