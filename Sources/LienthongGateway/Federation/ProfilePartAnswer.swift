import LienthongCore
import LienthongJSON

/// How one part of a federated profile came back to the node assembling it: who answers the part, the hash of the
/// request that asked it (when one was sent), and the part's envelope signed by its provider, or why there is none.
struct ProfilePartAnswer: Sendable {
    /// A part's envelope, signed by its provider as origin, and the digest of its message.
    struct Envelope: Sendable {
        var envelope: JSONValue
        var messageSHA256: String
        /// The fields released, for the audit record.
        var fields: [String]
    }

    /// The service and provider that answer the part, when known.
    var service: String?
    var provider: String?
    /// The hash of the signed request sent for the part; the provider node's audit record carries it too.
    var requestHash: String?
    var result: Result<Envelope, Problem>

    /// What the audit records of the part.
    var audited: AuditedExchange.Part {
        let outcome: AuditedExchange.Part.Outcome
        switch result {
        case .success(let part): outcome = .released(fields: part.fields)
        // A refusal by the provider's grants or its trust checks is a denial, as in the one-node profile.
        case .failure(let problem) where [401, 403].contains(problem.status): outcome = .denied(problem)
        case .failure(let problem): outcome = .failed(problem)
        }
        return AuditedExchange.Part(
            service: service, provider: provider, outcome: outcome, requestSHA256: requestHash,
            messageSHA256: try? result.get().messageSHA256)
    }
}
