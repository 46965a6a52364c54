public import LienthongCore
import LienthongJSON

/// The policy's answer: which fields may leave, or why not.
public enum AccessDecision: Sendable, Hashable {
    /// Allowed; only `fields` may leave the gateway.
    case allow(FieldSelection)
    /// Denied, with the part of the grant that is missing.
    case deny(AccessDenial)
}

/// The fields that may leave the gateway for one request.
public enum FieldSelection: Sendable, Hashable {
    /// Every field of the record.
    case all
    /// Only these top-level canonical fields.
    case only(Set<String>)

    /// Whether `field` is selected.
    public func contains(_ field: String) -> Bool {
        switch self {
        case .all: true
        case .only(let fields): fields.contains(field)
        }
    }
}

/// Why a request was denied; becomes a 403 `access-denied` (or 400 for an unknown purpose) naming the
/// missing part of the grant, never any of the record's data.
public struct AccessDenial: Error, Sendable, Hashable, ProblemConvertible {
    /// The missing part of the grant.
    public enum Reason: String, Sendable, Hashable {
        case noGrantForService = "no-grant-for-service"
        case purposeNotGranted = "purpose-not-granted"
        case fieldNotGranted = "field-not-granted"
        case conditionFailed = "condition-failed"
        case unknownPurpose = "unknown-purpose"
    }

    /// The missing part.
    public var reason: Reason
    /// The consumer, service and purpose concerned.
    public var consumer: ExchangeID
    public var service: ExchangeID
    public var purpose: String
    /// The field not granted, or the condition that failed.
    public var subject: String?

    public init(reason: Reason, consumer: ExchangeID, service: ExchangeID, purpose: String, subject: String? = nil) {
        self.reason = reason
        self.consumer = consumer
        self.service = service
        self.purpose = purpose
        self.subject = subject
    }

    public var problem: Problem {
        let detail: String
        switch reason {
        case .noGrantForService: detail = "\(consumer) holds no grant for service \(service)."
        case .purposeNotGranted: detail = "\(consumer) holds no grant for service \(service) with purpose '\(purpose)'."
        case .fieldNotGranted: detail = "Field '\(subject ?? "")' of \(service) is not granted to \(consumer) for '\(purpose)'."
        case .conditionFailed: detail = "The grant's condition '\(subject ?? "")' does not hold for this request."
        case .unknownPurpose: detail = "Purpose '\(purpose)' is not a purpose of this exchange."
        }
        var missing: JSONObject = [
            "reason": .string(reason.rawValue), "consumer": .string(consumer.description),
            "service": .string(service.description), "purpose": .string(purpose),
        ]
        if let subject { missing[reason == .fieldNotGranted ? "field" : "condition"] = .string(subject) }
        if reason == .unknownPurpose {
            return Problem(status: 400, code: "unknown-purpose", title: "Unknown purpose", detail: detail)
        }
        return Problem(
            status: 403, code: "access-denied", title: "Access denied", detail: detail,
            extensions: ["missingGrant": .object(missing)]
        )
    }
}
