import LienthongCore
import LienthongJSON

/// The body of `POST /v1/subscriptions`:
/// `{"service": "VN/GOV/BCA/DANCU/person", "eventTypes": ["person.deceased"], "purpose": "…",
///   "filter": {"field": "/permanentAddress/provinceCode", "equals": "79"}}` (`filter` optional).
struct SubscriptionRequest: Sendable {
    /// Only events whose canonical record holds `equals` at `field` (a JSON pointer into the record).
    struct Filter: Sendable {
        let field: JSONPointer
        let equals: JSONValue

        /// Whether `record` passes.
        func admits(_ record: JSONValue) -> Bool { field.resolve(in: record) == equals }

        var json: JSONValue { ["field": .string(field.description), "equals": equals] }

        /// Reads a stored or asked filter.
        init?(_ value: JSONValue) {
            guard let object = value.objectValue, object.count == 2, let text = value["field"]?.stringValue,
                !text.isEmpty, let field = try? JSONPointer(text), let equals = value["equals"]
            else { return nil }
            switch equals {
            case .string, .number, .bool: break
            default: return nil
            }
            self.field = field
            self.equals = equals
        }
    }

    let service: String
    let eventTypes: [String]
    let purpose: String
    let filter: Filter?

    /// The request in `body`, or the problem naming the first member that breaks the rules.
    static func parse(_ body: [UInt8]) -> Result<SubscriptionRequest, Problem> {
        guard let value = try? JSONValue.parse(body), let object = value.objectValue else {
            return .failure(EventProblems.invalidSubscription("", "the body is not a JSON object"))
        }
        let known: Set<String> = ["service", "eventTypes", "purpose", "filter"]
        if let extra = object.keys.first(where: { !known.contains($0.description) }) {
            return .failure(EventProblems.invalidSubscription("/\(extra)", "unknown member"))
        }
        guard let service = value["service"]?.stringValue, ExchangeID(service) != nil else {
            return .failure(EventProblems.invalidSubscription("/service", "a service id is required"))
        }
        guard let types = value["eventTypes"]?.arrayValue, !types.isEmpty, types.count <= 32,
            case let names = types.compactMap(\.stringValue), names.count == types.count,
            Set(names).count == names.count, names.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 100 })
        else {
            return .failure(
                EventProblems.invalidSubscription("/eventTypes", "1 to 32 distinct event type names are required"))
        }
        guard let purpose = value["purpose"]?.stringValue, !purpose.isEmpty, purpose.utf8.count <= 100 else {
            return .failure(EventProblems.invalidSubscription("/purpose", "a purpose code is required"))
        }
        var filter: Filter?
        if let asked = value["filter"] {
            guard let parsed = Filter(asked) else {
                return .failure(
                    EventProblems.invalidSubscription(
                        "/filter", "a filter is {\"field\": JSON pointer, \"equals\": string, number or boolean}"))
            }
            filter = parsed
        }
        return .success(SubscriptionRequest(service: service, eventTypes: names, purpose: purpose, filter: filter))
    }
}
