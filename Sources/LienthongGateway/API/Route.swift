/// The routes the ``Router`` answers, by path template: the `route` label of the metrics and the `paths` keys of
/// the OpenAPI description (`schemas/openapi.json`; served, a `{registry}` path is written out per registry).
///
/// A new route is a new case here, its methods in ``SharingAPI/makeRouter()``, and its path in `schemas/openapi.json`:
/// `OpenAPIDocumentTests` and `HTTPSemanticsTests` fail until the three agree.
enum Route: String, PathTemplate {
    case healthz = "/healthz"
    case readyz = "/readyz"
    case openAPI = "/openapi.json"
    case records = "/v1/records/{registry}/{key}"
    case documents = "/v1/documents/{registry}/{key}"
    case profile = "/v1/persons/{personalId}/profile"
    case services = "/v1/services"
    case schemas = "/v1/schemas"
    case schema = "/v1/schemas/{id}"
    case validate = "/v1/schemas/{id}/validate"
    case transparency = "/v1/transparency/persons/{personalId}/accesses"
    case monthlyReport = "/v1/reports/monthly"
    case messages = "/v1/messages"
    case message = "/v1/messages/{id}"
    case inbox = "/v1/inbox"
    case inboxMessage = "/v1/inbox/{id}"
    case inboxAttachment = "/v1/inbox/{id}/attachments/{name}"
    case inboxAck = "/v1/inbox/{id}/ack"
    case federationConfiguration = "/v1/federation/configuration"
    case federationRecords = "/v1/federation/records/{registry}/{key}"
    case federationServices = "/v1/federation/services"
    case federationProfilePart = "/v1/federation/persons/{personalId}/profile/{part}"
    case federationMessages = "/v1/federation/messages"
    case federationReceipts = "/v1/federation/receipts"
    case subscriptions = "/v1/subscriptions"
    case subscription = "/v1/subscriptions/{id}"
    case events = "/v1/events"

    /// The templates, parsed once.
    static let templates = PathTemplates<Self>()
}
