import LienthongJSON

extension ConfigurationCheck {
    /// Change events: what each registry's events read and carry is in its canonical schema, and every `events`
    /// grant names event types the service's registry declares.
    mutating func checkEvents() {
        var declared: [String: Set<String>] = [:]
        let fields = catalog.map(CanonicalFields.init)
        for entry in documents.array("registries.json") {
            guard let file = entry["connector"]?.stringValue, let connector = documents[file],
                let service = entry["service"]?.stringValue
            else { continue }
            let types = connector["events"]?["types"]?.arrayValue ?? []
            declared[service] = Set(types.compactMap { $0["type"]?.stringValue })
            guard let fields, let schema = connector["schema"]?.stringValue else { continue }
            for (index, type) in types.enumerated() {
                let base = "/events/types/\(index)"
                var read = (type["when"]?["changed"]?.arrayValue ?? []).compactMap(\.stringValue)
                read += (type["when"]?["becomes"]?.objectValue?.keys ?? []).map(\.description)
                for text in read {
                    guard let pointer = try? JSONPointer(text), let unknown = fields.unknownMember(at: pointer, in: schema)
                    else { continue }
                    report(
                        file, "\(base)/when", "\(text) is not in \(schema): \(unknown.name) is not a member there"
                            + NameSuggestion.hint(for: unknown.name, among: unknown.known))
                }
                for (position, field) in (type["fields"]?.arrayValue ?? []).enumerated() {
                    guard let name = field.stringValue,
                        let unknown = fields.unknownMember(at: JSONPointer(tokens: [name]), in: schema)
                    else { continue }
                    report(
                        file, "\(base)/fields/\(position)",
                        "\(name) is not a field of \(schema); the event would never carry it"
                            + NameSuggestion.hint(for: unknown.name, among: unknown.known))
                }
            }
        }
        guard documents["registries.json"] != nil else { return }
        for (index, grant) in documents.array("grants.json").enumerated() where grant["kind"]?.stringValue == "events" {
            guard let service = grant["service"]?.stringValue, let types = declared[service] else { continue }
            for (position, type) in (grant["eventTypes"]?.arrayValue ?? []).enumerated() {
                guard let name = type.stringValue, !types.contains(name) else { continue }
                report(
                    "grants.json", "/\(index)/eventTypes/\(position)",
                    "the registry of \(service) declares no event type \(name)"
                        + NameSuggestion.hint(for: name, among: types))
            }
        }
    }
}
