import Foundation
import LienthongJSON
import LienthongSchema

/// Every rule a configuration directory must follow before a node may start on it, each violation reported with
/// its file and JSON Pointer: what `config check` prints and what `serve` refuses to start on.
///
/// First each file against `config.v1` (the directory validated as one object keyed by file path, so the first
/// token of each error's instance location names the file); then the rules between files (``run()``). A file that
/// is missing or not JSON was reported once by ``ConfigurationDocuments``, and every rule that needs it is skipped.
/// Only ``GatewayConfiguration/resolve(configDirectory:dataDirectory:listen:schemas:)`` runs it.
struct ConfigurationCheck {
    /// The id of the configuration schema in the catalogue.
    static let schemaID = "config.v1"

    let documents: ConfigurationDocuments
    let configDirectory: URL
    let dataDirectory: URL
    /// The canonical schemas; `nil` when the schemas directory could not be loaded (reported already).
    let catalog: SchemaCatalog?
    /// Every problem found so far.
    var problems: [ConfigurationError] = []

    init(documents: ConfigurationDocuments, configDirectory: URL, dataDirectory: URL, catalog: SchemaCatalog?) {
        self.documents = documents
        self.configDirectory = configDirectory
        self.dataDirectory = dataDirectory
        self.catalog = catalog
    }

    /// Runs every rule, in file order.
    mutating func run() {
        if let catalog { validate(against: catalog) }
        checkNode()
        checkToken()
        checkAdmin()
        checkRevocation()
        checkMessages()
        checkFederation()
        checkMembersAndPurposes()
        checkConsumers()
        checkGrants()
        checkGrantRateLimits()
        checkRegistries()
        checkEvents()
    }

    /// Records a problem.
    mutating func report(_ file: String, _ pointer: String, _ message: String) {
        problems.append(ConfigurationError(file: file, pointer: pointer, message: message))
    }

    /// node.json, or an empty object when it could not be read.
    var node: JSONValue { documents["node.json"] ?? .object([:]) }

    /// Whether the node creates its development PKI and token files at start (so they need not exist yet).
    var developmentPKI: Bool { node["developmentPKI"] == .bool(true) }

    /// A path from the configuration, resolved against the configuration directory.
    func configPath(_ relative: String) -> URL {
        relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : configDirectory.appendingPathComponent(relative)
    }

    /// A path from the configuration, resolved against the data directory.
    func dataPath(_ relative: String) -> URL {
        relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : dataDirectory.appendingPathComponent(relative)
    }

    /// Whether a file (or, with `directory`, a directory) is there.
    static func exists(_ url: URL, directory: Bool = false) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            && isDirectory.boolValue == directory
    }

    /// One pass of `config.v1` over the directory as an object keyed by file.
    private mutating func validate(against catalog: SchemaCatalog) {
        guard let schema = catalog.compiled(Self.schemaID) else {
            report("node.json", "/schemas", "schema \(Self.schemaID) is not in the schemas directory")
            return
        }
        for error in schema.validate(.object(documents.values)).errors {
            let tokens = error.instanceLocation.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            guard let first = tokens.first else {
                // A missing file was reported as missing; anything else at the root names no file.
                if error.keywordLocation.hasSuffix("/required") { continue }
                report(".", "", error.error)
                continue
            }
            let file = first.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard documents[file] != nil else { continue }
            let pointer = tokens.count > 1 ? "/" + tokens.dropFirst().joined(separator: "/") : ""
            let hint = Self.hint(for: error, file: file, pointer: pointer, in: documents, catalog: catalog)
            report(file, pointer, "\(error.error)\(hint) [\(error.keywordLocation)]")
        }
    }

    /// "Did you mean" for a misspelt member name (`additionalProperties`) or enumerated value (`enum`): the names
    /// the failing schema node allows, read from the schema at the error's absolute keyword location.
    private static func hint(
        for error: OutputUnit, file: String, pointer: String, in documents: ConfigurationDocuments,
        catalog: SchemaCatalog
    ) -> String {
        let parts = error.absoluteKeywordLocation.split(separator: "#", maxSplits: 1).map(String.init)
        guard parts.count == 2, let schema = catalog.schema(parts[0]), let location = try? JSONPointer(parts[1]),
            let keyword = location.tokens.last, let parent = location.parent, let node = schema[parent],
            let instance = try? JSONPointer(pointer), let value = documents[file]?[instance]
        else { return "" }
        switch keyword {
        case "additionalProperties":
            guard let name = instance.tokens.last, let known = node["properties"]?.objectValue?.keys else { return "" }
            return NameSuggestion.hint(for: name, among: known)
        case "enum":
            guard let text = value.stringValue else { return "" }
            return NameSuggestion.hint(for: text, among: (node["enum"]?.arrayValue ?? []).compactMap(\.stringValue))
        default:
            return ""
        }
    }
}
