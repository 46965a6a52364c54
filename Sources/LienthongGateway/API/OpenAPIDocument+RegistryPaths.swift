import LienthongCore
import LienthongJSON
import LienthongSchema

extension OpenAPIDocument {
    /// The file's paths with each `{registry}` path written out once per registry that answers it, so each path's
    /// `key` carries that registry's identifier rule: `/v1/records/population/{key}` takes a personal id,
    /// `/v1/records/enterprise/{key}` an enterprise code. One template could only say "some key", and a client
    /// (or a fuzzer) following it would send keys the gateway refuses.
    ///
    /// In each written-out operation the `registry` parameter is gone, the `key` parameter becomes
    /// `components.parameters.key.<keyKind>`, and the `operationId` gains `-<registry>`.
    /// - Throws: ``SchemaError`` when the file lacks a key kind's parameter, or a `{registry}` operation does not
    ///   reference the `registry` and `key` parameters.
    static func registryPaths(
        _ paths: JSONObject, parameters: JSONObject, registries: [RegistryDescriptor]
    ) throws(SchemaError) -> JSONObject {
        var written: JSONObject = [:]
        for (template, item) in paths {
            guard template.contains("{registry}") else {
                written[template] = item
                continue
            }
            // Documents come only from the registries that offer them.
            let answering = template == Route.documents.rawValue
                ? registries.filter { $0.documentService != nil } : registries
            for registry in answering {
                let key = "key.\(registry.keyKind.rawValue)"
                guard parameters[key] != nil else {
                    throw SchemaError(code: .invalidSchema, detail: "components.parameters.\(key) is missing")
                }
                let path = template.replacingOccurrences(of: "{registry}", with: registry.name)
                written[path] = try item.mapOperations { operation throws(SchemaError) in
                    try operation.forRegistry(registry.name, keyParameter: key, path: template)
                }
            }
        }
        return written
    }
}

private extension JSONValue {
    /// The path item with `change` applied to each of its operations (members named by an HTTP method).
    func mapOperations(_ change: (JSONValue) throws(SchemaError) -> JSONValue) throws(SchemaError) -> JSONValue {
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var item = objectValue ?? [:]
        for (name, operation) in item where methods.contains(name) {
            item[name] = try change(operation)
        }
        return .object(item)
    }

    /// The operation of a `{registry}` path for one registry.
    func forRegistry(_ registry: String, keyParameter: String, path: String) throws(SchemaError) -> JSONValue {
        var operation = objectValue ?? [:]
        let registryReference = JSONValue.string("#/components/parameters/registry")
        let keyReference = JSONValue.string("#/components/parameters/key")
        let parameters = operation["parameters"]?.arrayValue ?? []
        guard parameters.contains(where: { $0["$ref"] == registryReference }),
            parameters.contains(where: { $0["$ref"] == keyReference })
        else {
            throw SchemaError(
                code: .invalidSchema, detail: "paths.\(path): an operation lacks the registry or key parameter")
        }
        let registryKey: JSONValue = ["$ref": .string("#/components/parameters/\(keyParameter)")]
        operation["parameters"] = .array(
            parameters.compactMap { parameter in
                if parameter["$ref"] == registryReference { return nil }
                return parameter["$ref"] == keyReference ? registryKey : parameter
            }
        )
        if let id = operation["operationId"]?.stringValue { operation["operationId"] = .string("\(id)-\(registry)") }
        return .object(operation)
    }
}
