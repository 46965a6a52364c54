import Foundation
import LienthongConnectors
import LienthongCore
import LienthongJSON

extension ConfigurationCheck {
    /// registries.json and each connector file: names and services unique, schema known, code lists and database
    /// files present, mapping targets in the schema, the connector configuration as the connectors read it.
    mutating func checkRegistries() {
        checkUnique("registries.json", "name")
        checkUnique("registries.json", "service")
        for (index, entry) in documents.array("registries.json").enumerated() {
            if let service = entry["service"]?.stringValue, let documentService = entry["documentService"]?.stringValue,
                Self.provider(of: documentService) != Self.provider(of: service)
            {
                report("registries.json", "/\(index)/documentService", "must belong to the provider of \(service)")
            }
            guard let file = entry["connector"]?.stringValue, let connector = documents[file] else { continue }
            if let actual = connector["registry"]?.stringValue, let expected = entry["name"]?.stringValue,
                actual != expected
            {
                report(file, "/registry", "\(actual) disagrees with registries.json#/\(index)/name (\(expected))")
            }
            if entry["documentService"] != nil, connector["connector"]?["document"] == nil {
                report(
                    file, "/connector",
                    "registries.json#/\(index) names a documentService but the connector has no document")
            }
            if let schema = connector["schema"]?.stringValue, let catalog, catalog.entry(schema) == nil {
                report(
                    file, "/schema",
                    "unknown schema \(schema)" + NameSuggestion.hint(for: schema, among: catalog.list.map(\.id)))
            }
            if let key = connector["probeKey"]?.stringValue,
                let kind = entry["keyKind"]?.stringValue.flatMap(RegistryKeyKind.init)
            {
                do {
                    _ = try kind.validate(key)
                } catch {
                    report(file, "/probeKey", "is not a valid \(kind.rawValue) (\(error.rule))")
                }
            }
            checkMappingTargets(file, connector)
            checkDatabaseFile(file, connector)
            // The connectors' own reading of the file, once the parts above are sound: it stops at its first
            // problem, which would otherwise repeat one reported already.
            guard checkCodeLists(file, connector), !problems.contains(where: { $0.file == file }) else { continue }
            do {
                _ = try RegistryConfiguration(
                    document: connector, baseDirectory: configPath(file).deletingLastPathComponent().path)
            } catch {
                report(file, "", error.detail)
            }
        }
    }

    /// Every mapping target is a member the registry's canonical schema allows.
    private mutating func checkMappingTargets(_ file: String, _ connector: JSONValue) {
        guard let catalog, let schema = connector["schema"]?.stringValue, catalog.entry(schema) != nil else { return }
        let fields = CanonicalFields(catalog: catalog)
        for (index, mapping) in (connector["mapping"]?.arrayValue ?? []).enumerated() {
            guard let text = mapping["target"]?.stringValue, let target = try? JSONPointer(text),
                let unknown = fields.unknownMember(at: target, in: schema)
            else { continue }
            report(
                file, "/mapping/\(index)/target",
                "\(text) is not in \(schema): \(unknown.name) is not a member there"
                    + NameSuggestion.hint(for: unknown.name, among: unknown.known))
        }
    }

    /// The code list files exist and are code lists, and every code list a transform names is in them.
    /// - Returns: Whether all of that holds.
    private mutating func checkCodeLists(_ file: String, _ connector: JSONValue) -> Bool {
        let base = configPath(file).deletingLastPathComponent()
        var lists = CodeLists()
        var sound = true
        for (index, path) in (connector["codeLists"]?.arrayValue ?? []).enumerated() {
            guard let path = path.stringValue else { continue }
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                report(file, "/codeLists/\(index)", "\(url.standardizedFileURL.path) does not exist")
                sound = false
                continue
            }
            do {
                try lists.add(document: try JSONValue.parse(Array(data)))
            } catch let error as MappingError {
                report(file, "/codeLists/\(index)", "is not a code list: \(error.rule)")
                sound = false
            } catch {
                report(file, "/codeLists/\(index)", "is not valid JSON (\(error))")
                sound = false
            }
        }
        guard sound else { return false }
        for (pointer, name) in Self.namedCodeLists(
            in: connector["mapping"] ?? .null, at: JSONPointer(tokens: ["mapping"]))
        where lists[name] == nil {
            report(
                file, pointer.description,
                "unknown code list \(name)" + NameSuggestion.hint(for: name, among: lists.lists.keys))
            sound = false
        }
        return sound
    }

    /// Each `{ "codeList": "name" }` in a mapping, with its pointer.
    private static func namedCodeLists(in value: JSONValue, at pointer: JSONPointer) -> [(JSONPointer, String)] {
        switch value {
        case .object(let members):
            if let name = members["codeList"]?.stringValue { return [(pointer.appending("codeList"), name)] }
            return members.sorted { $0.key < $1.key }.flatMap {
                namedCodeLists(in: $0.value, at: pointer.appending($0.key))
            }
        case .array(let elements):
            return elements.enumerated().flatMap {
                namedCodeLists(in: $0.element, at: pointer.appending(index: $0.offset))
            }
        default:
            return []
        }
    }

    /// An SQLite or CSV connector's file is in the data directory, or is one the node builds from its seeds.
    private mutating func checkDatabaseFile(_ file: String, _ connector: JSONValue) {
        guard let kind = connector["connector"]?["kind"]?.stringValue, kind == "sqlite" || kind == "csv",
            let path = connector["connector"]?["path"]?.stringValue, path != ":memory:"
        else { return }
        let url = dataPath(path)
        // The node builds the demo registries from its seeds into the data directory on start.
        let folder = URL(fileURLWithPath: url.deletingLastPathComponent().path).standardizedFileURL.path
        let seeded =
            node["seeds"] != nil && DemoRegistries.databaseFiles.contains(url.lastPathComponent)
            && folder == URL(fileURLWithPath: dataDirectory.path).standardizedFileURL.path
        guard !seeded, !Self.exists(url) else { return }
        let known = (try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)) ?? []
        report(
            file, "/connector/path",
            "\(url.path) does not exist (relative to the data directory \(dataDirectory.path))"
                + NameSuggestion.hint(for: url.lastPathComponent, among: known))
    }

    /// The provider subsystem of a service id (`VN/GOV/BCA/DANCU/person` → `VN/GOV/BCA/DANCU`).
    static func provider(of service: String) -> String {
        service.split(separator: "/").prefix(4).joined(separator: "/")
    }
}
