import Foundation
import LienthongCommandLine
import LienthongGateway
import LienthongHTTP
import LienthongJSON
import LienthongSchema

/// `lienthong schema list|show|validate`: the canonical schemas, and validation of JSON files
/// against one of them or against any draft 2020-12 schema file.
///
/// Exit status: 0 success (every instance valid), 1 some instance invalid or not JSON, 2 usage
/// error (including a schema that cannot be used).
struct SchemaCommand: LienthongCommand {
    private static let schemas = Option.value(
        "schemas", "DIR", help: "the canonical schemas directory (default: schemas)")

    static let command = Command(
        "schema", summary: "the canonical schemas, and validation of JSON files",
        subcommands: [
            Command(
                "list", summary: "list the canonical schemas",
                options: [schemas, .flag("json", help: "print the list as JSON")]),
            Command(
                "show", summary: "print a canonical schema",
                arguments: [Positional("ID", help: "the schema's id (e.g. person.v1) or $id")], options: [schemas]),
            Command(
                "validate", summary: "validate JSON files against a canonical schema or a draft 2020-12 schema file",
                discussion: "Exit status: 0 all valid, 1 some invalid or not JSON, 2 usage error or unusable schema.",
                arguments: [
                    Positional(
                        "FILE", help: "JSON files (or JSON Lines with --jsonl); - reads standard input",
                        repeating: true)
                ],
                options: [
                    .value("schema", "ID|PATH", help: "a canonical schema id, or a schema file", required: true),
                    .value(
                        "output", "basic|flag",
                        help: "errors with their locations, or valid/invalid only (default: basic)",
                        format: .oneOf(["basic", "flag"])),
                    .flag("jsonl", help: "each file holds JSON Lines, one instance per line"),
                    .flag("json", help: "print one JSON result per instance"),
                    schemas,
                    .flag("allow-remote-refs", help: "fetch remote $ref targets (off by default)"),
                ]),
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    /// A schema that cannot be used: exit status 2 with the reason, without the usage text.
    private struct Refusal: Error { var message: String }

    func run() throws -> Int32 {
        do {
            switch arguments.subcommand {
            case "list": return try list(arguments)
            case "show": return try show(arguments)
            default: return try validate(arguments)
            }
        } catch let refusal as Refusal {
            FileHandle.standardError.write(Data("lienthong: \(refusal.message)\n".utf8))
            return 2
        }
    }

    private func catalog(_ arguments: Arguments) throws -> SchemaCatalog {
        let directory = arguments.option("schemas") ?? "schemas"
        do {
            return try SchemaCatalog.load(directory: URL(fileURLWithPath: directory))
        } catch {
            throw UsageError("schemas in \(directory): \(error)")
        }
    }

    private func list(_ arguments: Arguments) throws -> Int32 {
        let catalog = try catalog(arguments)
        if arguments.flag("json") {
            print(catalog.listJSON.serializedString(pretty: true))
            return 0
        }
        let width = catalog.list.map(\.id.count).max() ?? 0
        for entry in catalog.list {
            let titles = [entry.title, entry.titleVi].compactMap { $0 }.joined(separator: " / ")
            print("\(entry.id.padding(toLength: width, withPad: " ", startingAt: 0))  \(titles)  <\(entry.uri)>")
        }
        return 0
    }

    private func show(_ arguments: Arguments) throws -> Int32 {
        let catalog = try catalog(arguments)
        guard let document = catalog.schema(arguments.positional[0]) else {
            throw UsageError("no schema '\(arguments.positional[0])'; see lienthong schema list")
        }
        print(document.serializedString(pretty: true))
        return 0
    }

    private func validate(_ arguments: Arguments) throws -> Int32 {
        guard let reference = arguments.option("schema") else { throw UsageError("schema validate needs --schema ID|PATH") }
        let format: OutputFormat
        switch arguments.option("output") ?? "basic" {
        case "basic": format = .basic
        case "flag": format = .flag
        case let other: throw UsageError("--output is basic or flag, not '\(other)'")
        }
        let schema = try resolve(reference, arguments)

        var invalid = 0
        for input in arguments.positional {
            let bytes = try CommandInput.read(input)
            let name = input == "-" ? "<stdin>" : input
            if arguments.flag("jsonl") {
                var lineNumber = 0
                for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                    lineNumber += 1
                    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                    if !check(line, label: "\(name):\(lineNumber)", schema, format, json: arguments.flag("json")) {
                        invalid += 1
                    }
                }
            } else if !check(bytes[...], label: name, schema, format, json: arguments.flag("json")) {
                invalid += 1
            }
        }
        return invalid == 0 ? 0 : 1
    }

    /// A canonical schema by id or `$id`, else a schema file (refused unless valid against the
    /// 2020-12 meta-schema).
    private func resolve(_ reference: String, _ arguments: Arguments) throws -> JSONSchema {
        let catalog = try? catalog(arguments)
        if let compiled = catalog?.compiled(reference) { return compiled }
        guard FileManager.default.fileExists(atPath: reference) else {
            if catalog == nil { _ = try self.catalog(arguments) }  // say why the catalogue is missing
            throw UsageError("no schema '\(reference)': neither a canonical schema id nor a file")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(try CommandInput.read(reference))
        } catch let error as JSONError {
            throw Refusal(message: "schema \(reference) is not JSON (\(error.code), byte \(error.offset ?? 0))")
        }
        do {
            let uri = URL(fileURLWithPath: reference).absoluteURL.absoluteString
            guard arguments.flag("allow-remote-refs") else {
                if let catalog { return try catalog.compile(document, uri: uri) }
                return try JSONSchema.compileChecked(document, options: .lienthong, uri: uri)
            }
            // Remote $ref targets over libcurl, with a timeout and a size limit; off unless asked for.
            var registry = catalog?.registry ?? SchemaRegistry()
            registry.fetch = RemoteSchemaFetch.hook(client: HTTPClient())
            return try JSONSchema.compileChecked(document, registry: registry, options: .lienthong, uri: uri)
        } catch {
            throw Refusal(message: "schema \(reference) refused: \(error)")
        }
    }

    /// Validates one instance and prints its result; true when valid.
    private func check(
        _ bytes: ArraySlice<UInt8>, label: String, _ schema: JSONSchema, _ format: OutputFormat, json: Bool
    ) -> Bool {
        let instance: JSONValue
        do {
            instance = try JSONValue.parse(bytes)
        } catch {
            let reason = "not JSON (\(error.code), byte \(error.offset ?? 0))"
            if json {
                print(JSONValue.object(["instance": .string(label), "valid": false, "error": .string(reason)]).serializedString())
            } else {
                print("\(label): \(reason)")
            }
            return false
        }
        let result = schema.validate(instance)
        if json {
            guard case .object(var object) = result.output(format) else { return result.isValid }
            object["instance"] = .string(label)
            print(JSONValue.object(object).serializedString())
            return result.isValid
        }
        print("\(label): \(result.isValid ? "valid" : "invalid")")
        if format == .basic {
            for error in result.errors {
                let location = error.instanceLocation.isEmpty ? "/" : error.instanceLocation
                print("  \(location): \(error.error)  [\(error.keywordLocation)]")
            }
        }
        return result.isValid
    }
}
