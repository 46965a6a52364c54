/// The routes of the admin listener, by path template (described in `schemas/admin-openapi.json`).
enum AdminRoute: String, PathTemplate {
    case healthz = "/healthz"
    case readyz = "/readyz"
    case metrics = "/metrics"
    case status = "/v1/status"
    case configuration = "/v1/configuration"
    case connectors = "/v1/connectors"
    case connectorTest = "/v1/connectors/{registry}/test"
    case audit = "/v1/audit"
    case monthlyReport = "/v1/reports/monthly"
    case consumers = "/v1/consumers"
    case consumerTokens = "/v1/consumers/tokens"
    case grants = "/v1/grants"
    case registries = "/v1/registries"
    case reload = "/v1/reload"
    case keys = "/v1/keys"
    case keySigningRequest = "/v1/keys/csr"
    case keyImport = "/v1/keys/import"
    case keyRotation = "/v1/keys/rotate"
    case dashboard = "/dashboard"
    case dashboardLogin = "/dashboard/login"
    case dashboardLogout = "/dashboard/logout"

    /// The templates, parsed once.
    static let templates = PathTemplates<Self>()
}
