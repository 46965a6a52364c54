import LienthongCore
import LienthongJSON

extension ConfigurationCheck {
    /// members.json and purposes.json: ids and codes unique; every registry's provider is a member.
    mutating func checkMembersAndPurposes() {
        checkUnique("members.json", "id")
        checkUnique("purposes.json", "code")
        guard documents["members.json"] != nil else { return }
        let members = Set(documents.array("members.json").compactMap { $0["id"]?.stringValue })
        for (index, entry) in documents.array("registries.json").enumerated() {
            guard let service = entry["service"]?.stringValue else { continue }
            let member = service.split(separator: "/").prefix(3).joined(separator: "/")
            if !members.contains(member) {
                report(
                    "registries.json", "/\(index)/service",
                    "provider member \(member) is not in members.json"
                        + NameSuggestion.hint(for: member, among: members))
            }
        }
    }

    /// consumers.json: ids unique, token digests hex SHA-256, token files present.
    mutating func checkConsumers() {
        checkUnique("consumers.json", "id")
        for (index, consumer) in documents.array("consumers.json").enumerated() {
            for (position, digest) in (consumer["tokenSHA256"]?.arrayValue ?? []).enumerated() {
                guard let text = digest.stringValue, !Self.isSHA256Hex(text) else { continue }
                report(
                    "consumers.json", "/\(index)/tokenSHA256/\(position)",
                    "is not a SHA-256 digest in lowercase hex (64 of 0-9a-f); it would never match a token")
            }
            // A development node writes missing token files on first start.
            guard !developmentPKI else { continue }
            for (position, file) in (consumer["tokenFiles"]?.arrayValue ?? []).enumerated() {
                if let path = file.stringValue {
                    checkDataFile("consumers.json", "/\(index)/tokenFiles/\(position)", path)
                }
            }
        }
    }

    /// grants.json: known consumers, services (recipients of `messages` grants) and purposes; dates in order;
    /// granted fields in the schema.
    mutating func checkGrants() {
        func values(_ file: String, _ member: String) -> Set<String>? {
            documents[file] == nil ? nil : Set(documents.array(file).compactMap { $0[member]?.stringValue })
        }
        // A reference into a file that could not be read is not checked: its absence was reported once.
        let consumers = values("consumers.json", "id")
        let purposes = values("purposes.json", "code")
        let services = values("registries.json", "service")?.union(values("registries.json", "documentService") ?? [])
        let schemas = recordSchemasByService()
        let fields = catalog.map(CanonicalFields.init)
        for (index, grant) in documents.array("grants.json").enumerated() {
            if let consumer = grant["consumer"]?.stringValue, let consumers, !consumers.contains(consumer) {
                report(
                    "grants.json", "/\(index)/consumer",
                    "unknown consumer \(consumer)" + NameSuggestion.hint(for: consumer, among: consumers))
            }
            if let recipient = grant["recipient"]?.stringValue, let consumers,
                !consumers.contains(where: { $0 == recipient || $0.hasPrefix(recipient + "/") })
            {
                // Documents go to an inbox on this node: the recipient must be a consumer here (or a member of one).
                report(
                    "grants.json", "/\(index)/recipient",
                    "unknown recipient \(recipient): no consumer of this node is it or belongs to it"
                        + NameSuggestion.hint(for: recipient, among: consumers))
            }
            if let service = grant["service"]?.stringValue, let services, !services.contains(service) {
                report(
                    "grants.json", "/\(index)/service",
                    "unknown service \(service)" + NameSuggestion.hint(for: service, among: services))
            }
            for (position, purpose) in (grant["purposes"]?.arrayValue ?? []).enumerated() {
                guard let code = purpose.stringValue, let purposes, !purposes.contains(code) else { continue }
                report(
                    "grants.json", "/\(index)/purposes/\(position)",
                    "unknown purpose \(code)" + NameSuggestion.hint(for: code, among: purposes))
            }
            // Both are `YYYY-MM-DD` (config.v1 checks the format), so text order is date order.
            if let from = grant["conditions"]?["validFrom"]?.stringValue,
                let until = grant["conditions"]?["validUntil"]?.stringValue, from > until
            {
                report(
                    "grants.json", "/\(index)/conditions/validFrom",
                    "\(from) is after validUntil \(until): the grant would never hold")
            }
            guard let service = grant["service"]?.stringValue, let schema = schemas[service], let fields else {
                continue
            }
            for (position, field) in (grant["fields"]?.arrayValue ?? []).enumerated() {
                guard let name = field.stringValue, name != "*",
                    let unknown = fields.unknownMember(at: JSONPointer(tokens: [name]), in: schema)
                else { continue }
                report(
                    "grants.json", "/\(index)/fields/\(position)",
                    "\(name) is not a field of \(schema); it would never be returned"
                        + NameSuggestion.hint(for: unknown.name, among: unknown.known))
            }
        }
    }

    /// grants.json: the grants of one consumer and service state one rate limit (or leave it out), since the limit
    /// counts the consumer's calls of the service whatever the purpose.
    mutating func checkGrantRateLimits() {
        var first: [String: (index: Int, limit: RateLimit)] = [:]
        for (index, grant) in documents.array("grants.json").enumerated() {
            // Compared as the node reads them: `{"requestsPerSecond": 20}` and `{…, "burst": 20}` are one limit.
            guard let consumer = grant["consumer"]?.stringValue, let service = grant["service"]?.stringValue,
                let value = grant["rateLimit"], let limit = try? JSONValueDecoder().decode(RateLimit.self, from: value)
            else { continue }
            let key = consumer + " " + service
            guard let earlier = first[key] else {
                first[key] = (index, limit)
                continue
            }
            if earlier.limit != limit {
                report(
                    "grants.json", "/\(index)/rateLimit",
                    "differs from the rateLimit of /\(earlier.index), another grant of \(consumer) for \(service); "
                        + "state one limit for them")
            }
        }
    }

    /// The canonical schema of each record service, from the registries' connector files.
    private func recordSchemasByService() -> [String: String] {
        var schemas: [String: String] = [:]
        for entry in documents.array("registries.json") {
            guard let service = entry["service"]?.stringValue, let file = entry["connector"]?.stringValue,
                let schema = documents[file]?["schema"]?.stringValue
            else { continue }
            schemas[service] = schema
        }
        return schemas
    }

    /// Reports every repeat of `member` among the elements of an array file.
    mutating func checkUnique(_ file: String, _ member: String) {
        var seen: [String: Int] = [:]
        for (index, element) in documents.array(file).enumerated() {
            guard let value = element[member]?.stringValue else { continue }
            if let first = seen[value] {
                report(file, "/\(index)/\(member)", "duplicate \(member) \(value) (first at /\(first)/\(member))")
            } else {
                seen[value] = index
            }
        }
    }

    /// Whether `text` is 64 lowercase hex digits, the form ``BearerToken/hash(_:)`` compares against.
    static func isSHA256Hex(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
