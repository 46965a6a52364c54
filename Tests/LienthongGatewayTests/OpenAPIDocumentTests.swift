import Foundation
import LienthongCore
import LienthongJSON
import LienthongSchema
import LienthongTesting
import Testing
@testable import LienthongGateway

/// `schemas/openapi.json` and the document a node serves from it: OpenAPI 3.1 structure, references that resolve,
/// the same routes as the ``Router``, problem codes the code raises, and schemas the 2020-12 validator accepts.
struct OpenAPIDocumentTests {
    @Test func documentIsOpenAPI31AndEveryReferenceResolves() throws {
        let served = try OpenAPIDescription.served()
        #expect(served.json["openapi"]?.stringValue?.hasPrefix("3.1.") == true)
        #expect(served.json["info"]?["title"]?.stringValue?.isEmpty == false)
        #expect(served.json["info"]?["version"]?.stringValue?.isEmpty == false)
        let operations = served.operations
        #expect(!operations.isEmpty)
        let ids = operations.compactMap { $0.json["operationId"]?.stringValue }
        #expect(ids.count == operations.count && Set(ids).count == ids.count, "every operation has a unique id")
        for operation in operations {
            #expect(operation.json["responses"]?.objectValue?.isEmpty == false, "\(operation.pointer)")
            for (status, response) in operation.json["responses"]?.objectValue ?? [:] {
                #expect(Int(status).map { (100...599).contains($0) } == true, "\(operation.pointer) \(status)")
                let resolved = response["$ref"]?.stringValue.flatMap(served.resolve) ?? response
                #expect(resolved["description"]?.stringValue?.isEmpty == false, "\(operation.pointer) \(status)")
            }
        }
        let schemes = Set(served.json["components"]?["securitySchemes"]?.objectValue?.keys.map { $0 } ?? [])
        #expect(schemes == ["mutualTLS", "consumerToken", "citizenIDToken", "citizenToken", "operatorToken"])
        for operation in operations {
            for requirement in operation.json["security"]?.arrayValue ?? [] {
                let names = Set(requirement.objectValue?.keys.map { $0 } ?? [])
                #expect(names.isSubset(of: schemes), "\(operation.pointer)")
            }
        }
        // Served, every reference is a pointer into the document itself, and it resolves.
        #expect(served.references.count > 100)
        for (pointer, reference) in served.references {
            #expect(served.resolve(reference) != nil, "\(pointer): \(reference)")
        }
    }

    @Test func fileReferencesTheCanonicalSchemasByTheirIds() throws {
        let file = try OpenAPIDescription.file()
        let catalog = try SchemaCatalog.load(directory: OpenAPIDescription.schemasDirectory)
        var canonical: Set<String> = []
        for (pointer, reference) in file.references {
            if reference.hasPrefix("#") {
                #expect(file.resolve(reference) != nil, "\(pointer): \(reference)")
                continue
            }
            let parts = reference.split(separator: "#", maxSplits: 1).map(String.init)
            let entry = try #require(catalog.entry(parts[0]), "\(pointer): \(reference) is no catalogue $id")
            #expect(entry.uri == parts[0])
            let fragment = try JSONPointer(parts.count > 1 ? parts[1] : "")
            #expect(catalog.schema(entry.id).flatMap(fragment.resolve) != nil, "\(pointer): \(reference)")
            canonical.insert(entry.id)
        }
        // Referenced, not copied: the file holds no schema of the catalogue.
        #expect(
            canonical == [
                "change-event.v1", "document-message.v1", "envelope.v1", "global-configuration.v1",
                "person-profile-part.v1", "person-profile.v1", "person-profile.v2", "problem.v1", "receipt.v1",
                "request.v1",
            ])
        let components = Set(file.json["components"]?["schemas"]?.objectValue?.keys.map { $0 } ?? [])
        #expect(components.isDisjoint(with: catalog.list.map(\.id)))
        let served = try OpenAPIDescription.served()
        let bundled = Set(served.json["components"]?["schemas"]?.objectValue?.keys.map { $0 } ?? [])
        // Plus what those reference (envelope.v1 names document.v1, person.v1 address.v1), and each configured
        // registry's record schema.
        let referenced = ["document.v1", "address.v1"]
        let records = ["person.v1", "enterprise.v1", "land-parcel.v1", "insurance-participation.v1"]
        #expect(bundled == components.union(canonical).union(referenced).union(records))
        for id in bundled.intersection(catalog.list.map(\.id)) {
            #expect(served.json["components"]?["schemas"]?[id]?["$id"] == nil)
        }
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedPathIsARoute() throws {
        let served = try OpenAPIDescription.served()
        let configuration = try GatewayConfiguration.load(
            configDirectory: Repository.root.appendingPathComponent("config/demo"))
        // A `{registry}` route is written out once per registry that answers it; documents only where offered.
        var expected: Set<String> = []
        for route in Route.allCases {
            guard route.rawValue.contains("{registry}") else {
                expected.insert(route.rawValue)
                continue
            }
            let registries = configuration.registries.filter { route != .documents || $0.documentService != nil }
            for registry in registries {
                expected.insert(route.rawValue.replacingOccurrences(of: "{registry}", with: registry.name))
            }
        }
        let paths = Set(served.json["paths"]?.objectValue?.keys.map { $0 } ?? [])
        #expect(paths == expected)
        #expect(paths.contains("/v1/records/population/{key}") && paths.contains("/v1/documents/land/{key}"))
        #expect(!paths.contains("/v1/documents/population/{key}"))
        for path in paths.sorted() {
            // A concrete path of the template is routed to that template, parameters in order.
            var names: [String] = []
            var concrete: [String] = []
            for segment in path.split(separator: "/") {
                guard segment.hasPrefix("{") else {
                    concrete.append(String(segment))
                    continue
                }
                names.append(String(segment.dropFirst().dropLast()))
                concrete.append("value-\(names.last ?? "")")
            }
            let match = try #require(Route.match(concrete), "\(path) is not routed")
            let values = zip(match.route.segments, concrete).filter { $0.0.hasPrefix("{") }.map(\.1)
            #expect(match.parameters == values)
            #expect(match.parameters.filter { $0.hasPrefix("value-") } == names.map { "value-\($0)" })
            // Every path parameter is declared on every operation of the path, and nothing else is.
            for operation in served.operations where operation.path == path {
                let declared = served.parameters(operation).filter { $0["in"] == "path" }
                #expect(Set(declared.compactMap { $0["name"]?.stringValue }) == Set(names), "\(operation.pointer)")
                #expect(declared.allSatisfy { $0["required"] == true })
            }
        }
        #expect(Route.match(["v1", "nothing"]) == nil)
        #expect(Route.match(["v1", "records", "population"]) == nil)
    }

    /// The key of each written-out registry path follows the registry's identifier rule, as the gateway checks it:
    /// the pattern accepts exactly the keys ``RegistryKeyKind/validate(_:)`` accepts, on valid keys and on keys
    /// that break each rule.
    @Test func eachRegistryPathsKeyCarriesItsIdentifierRule() throws {
        let served = try OpenAPIDescription.served()
        let configuration = try GatewayConfiguration.load(
            configDirectory: Repository.root.appendingPathComponent("config/demo"))
        let samples = [
            "001190000000", "001290000000", "001490000000", "00119000000", "0011900000001", "00119000000A",
            "0100000001", "0100000001-001", "0100000001-000", "0100000001-1000", "0100000001-", "010000000",
            "00004-12-345", "00004-012-345", "00004-12-0", "0004-12-345", "00004-1234567-1", "00004-12", "12-34-56-78",
            "A-1", "a.b_c-d", ".", "..", "...", ".a", "", "a b", "a/b", String(repeating: "a", count: 128),
            String(repeating: "a", count: 129), "ắ", "1\n",
        ]
        var checked: Set<RegistryKeyKind> = []
        for kind in RegistryKeyKind.allCases {
            let parameter = try #require(served.json["components"]?["parameters"]?["key.\(kind.rawValue)"])
            #expect(parameter["name"] == "key" && parameter["in"] == "path" && parameter["required"] == true)
            let reference = try #require(parameter["schema"]?["$ref"]?.stringValue)
            let schema = try served.schema(at: JSONPointer(String(reference.dropFirst())))
            for sample in samples {
                let accepted = (try? kind.validate(sample)) != nil
                #expect(schema.isValid(.string(sample)) == accepted, "\(kind.rawValue): \(sample.debugDescription)")
            }
            let example = try #require(parameter["example"]?.stringValue)
            #expect((try? kind.validate(example)) != nil, "\(kind.rawValue) example")
            checked.insert(kind)
        }
        #expect(checked == Set(RegistryKeyKind.allCases))
        for registry in configuration.registries {
            let lookup = try #require(
                served.operations.first { $0.path == "/v1/records/\(registry.name)/{key}" && $0.method == "get" })
            let key = try #require(served.parameters(lookup).first { $0["name"] == "key" })
            #expect(key == served.json["components"]?["parameters"]?["key.\(registry.keyKind.rawValue)"])
            #expect(lookup.json["operationId"] == .string("recordLookup-\(registry.name)"))
            #expect(!served.parameters(lookup).contains { $0["name"] == "registry" })
        }
        // The personal id of the person routes has the same rule.
        let profile = try #require(served.operations.first { $0.path == Route.profile.rawValue })
        let personalID = try #require(served.parameters(profile).first { $0["name"] == "personalId" })
        #expect(personalID["schema"] == ["$ref": "#/components/schemas/PersonalId"])
    }

    @Test func everyProblemCodeListedIsRaisedByTheCode() throws {
        let served = try OpenAPIDescription.served()
        var sources = ""
        let directory = Repository.root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            if file.pathExtension == "swift" { sources += try String(contentsOf: file, encoding: .utf8) }
        }
        var listed: Set<String> = []
        for (operation, status, pointer) in served.responses {
            let codes = served.problemCodes(pointer)
            let isProblem = pointer.resolve(in: served.json)?["content"]?["application/problem+json"] != nil
            #expect(isProblem == !codes.isEmpty, "\(operation.pointer) \(status): a problem response lists its codes")
            listed.formUnion(codes)
        }
        #expect(listed.count > 40)
        for code in listed.sorted() {
            let raised = sources.contains("\"\(code)\"")
            #expect(raised, "\(code) is in no source file")
        }
        // Codes of the pipeline and of signed requests are among them.
        #expect(
            listed.isSuperset(of: ["purpose-required", "unknown-registry", "trust.bad-signature", "consumer-mismatch"]))
    }

    @Test func embeddedSchemasAreValid2020_12AndAcceptTheCanonicalExamples() throws {
        let served = try OpenAPIDescription.served()
        let catalog = try SchemaCatalog.load(directory: OpenAPIDescription.schemasDirectory)
        let components = served.json["components"]?["schemas"]?.objectValue ?? [:]
        for (name, schema) in components.sorted(by: { $0.key < $1.key }) {
            #expect(JSONSchema.metaSchemaErrors(of: schema).isEmpty, "components.schemas.\(name)")
            let compiled = try served.schema(at: JSONPointer(tokens: ["components", "schemas", name]))
            // A bundled canonical schema judges its own examples as the canonical one does.
            for example in catalog.schema(name)?["examples"]?.arrayValue ?? [] {
                #expect(compiled.isValid(example) == catalog.compiled(name)?.isValid(example), "\(name)")
                #expect(compiled.isValid(example), "\(name)")
            }
        }
        for (operation, status, pointer) in served.responses {
            for (media, content) in pointer.resolve(in: served.json)?["content"]?.objectValue ?? [:] {
                guard let schema = content["schema"] else { continue }
                #expect(JSONSchema.metaSchemaErrors(of: schema).isEmpty, "\(operation.pointer) \(status) \(media)")
                _ = try served.schema(at: pointer.appending("content").appending(media).appending("schema"))
            }
        }
        // A problem's code outside the response's list fails it.
        let lookup = try #require(
            served.operations.first { $0.path == "/v1/records/population/{key}" && $0.method == "get" })
        let unauthorized = try #require(served.response(lookup, status: 401))
        let problem = try served.schema(
            at: unauthorized.appending("content").appending("application/problem+json").appending("schema"))
        let body: JSONValue = [
            "type": "about:blank", "title": "Authentication required", "status": 401, "code": "unauthenticated",
        ]
        #expect(problem.isValid(body))
        var other = body.objectValue ?? [:]
        other["code"] = "access-denied"
        #expect(!problem.isValid(.object(other)))
    }

    @Test func configuredRegistriesAndPurposesAreEnums() throws {
        let served = try OpenAPIDescription.served()
        let configuration = try GatewayConfiguration.load(
            configDirectory: Repository.root.appendingPathComponent("config/demo"))
        let schemas = served.json["components"]?["schemas"]
        #expect(schemas?["RegistryName"]?["enum"] == .array(configuration.registries.map { .string($0.name) }))
        #expect(schemas?["RegistryName"]?["enum"] == ["population", "enterprise", "land", "insurance"])
        #expect(schemas?["PurposeCode"]?["enum"] == .array(configuration.policy.purposes.map { .string($0.code) }))
        // The file itself carries no list: the configuration does.
        let file = try OpenAPIDescription.file()
        #expect(file.json["components"]?["schemas"]?["RegistryName"]?["enum"] == nil)
    }

    @Test func aMissingDescriptionStopsTheNodeNamingTheSchemaDirectory() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-openapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let catalog = try SchemaCatalog.load(directory: OpenAPIDescription.schemasDirectory)
        #expect(throws: ConfigurationError.self) {
            try OpenAPIDocument.load(directory: directory, catalog: catalog, registries: [], purposes: [])
        }
        do {
            _ = try OpenAPIDocument.load(directory: directory, catalog: catalog, registries: [], purposes: [])
        } catch {
            #expect(error.file == "node.json" && error.pointer == "/schemas")
            #expect(error.message.contains("openapi.json"))
        }
        try FileManager.default.removeItem(at: directory)
    }
}
