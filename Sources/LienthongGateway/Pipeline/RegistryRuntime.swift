import LienthongConnectors
import LienthongCore
import LienthongSchema

/// A registry ready to serve: its descriptor, its connector with the mapping, its compiled canonical schema.
struct RegistryRuntime: Sendable {
    var descriptor: RegistryDescriptor
    var registry: MappedRegistry
    var schema: JSONSchema
}
