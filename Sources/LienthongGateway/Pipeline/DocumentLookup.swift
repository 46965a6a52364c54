import LienthongConnectors
import LienthongCore

/// A registry's document (`GET /v1/documents/{registry}/{key}`), in two steps.
///
/// ``LookupPipeline/open(_:consumer:)`` admits the request for the registry's document service and opens the
/// agency's document; every refusal or failure before the first byte is audited and answered as a problem.
/// ``LookupPipeline/deliver(_:write:)`` then passes the body on as it arrives, hashing it (SHA-256, incremental)
/// and never holding it whole, and at its end signs the envelope
/// `{"type": "document", …, "document": {"sha256", "length", "contentType"}}` and makes the audit record (with the
/// document's SHA-256) durable before handing the envelope back.
struct DocumentLookup: LookupKind {
    /// The registry the path names, asked for its document service (400 `documents-not-offered` without one).
    func target(of request: LookupRequest, in registries: [String: RegistryRuntime]) throws(Problem) -> LookupTarget {
        guard let runtime = registries[request.registry] else {
            throw GatewayProblems.unknownRegistry(request.registry)
        }
        guard let service = runtime.descriptor.documentService else {
            throw GatewayProblems.documentsNotOffered(runtime.descriptor.name)
        }
        return LookupTarget(runtime, service: service)
    }

    /// The document, its transfer begun.
    func fetch(_ lookup: AdmittedLookup, from registries: RegistryFetch) async throws(Problem) -> DocumentStream {
        try await registries.document(lookup.target.runtime, key: lookup.key)
    }

    /// A document whose transfer has begun, and what the exchange needs to finish.
    struct OpenDocument: Sendable {
        let stream: DocumentStream
        let lookup: AdmittedLookup
        /// The audit event so far (consumer, service, subject, purpose).
        let exchange: AuditedExchange
    }

    /// The outcome of opening a document.
    enum Opening: Sendable {
        /// The document streams; deliver it.
        case open(OpenDocument)
        /// Nothing was sent; the refusal or failure is audited.
        case problem(Problem)
    }

    /// How a delivered document ended.
    enum Ending: Sendable {
        /// The document arrived whole: its signed envelope, whose audit record is durable.
        case signed([UInt8])
        /// The agency failed mid-document, or the exchange could not be audited: no envelope may be sent.
        case failed(Problem)
        /// The consumer went away; the exchange is audited as failed.
        case clientGone
    }
}
