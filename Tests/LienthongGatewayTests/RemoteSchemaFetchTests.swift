import Foundation
import LienthongGateway
import LienthongHTTP
import LienthongJSON
import LienthongSchema
import Testing

/// Remote `$ref` targets fetched over libcurl from a real local server, with the size limit enforced.
@Suite(.serialized)
struct RemoteSchemaFetchTests {
    struct Documents: HTTPHandler {
        func handle(_ request: HTTPRequest) async -> HTTPResponse {
            switch request.path {
            case "/integer.json": .json(Array(#"{"type": "integer", "minimum": 1}"#.utf8))
            case "/huge.json": .json(Array(("[" + String(repeating: "0,", count: 600_000) + "0]").utf8))
            default: HTTPResponse(status: 404)
            }
        }
    }

    /// Compiles on a thread of its own: the fetch hook waits for the transfer and must not hold a pool thread.
    func compile(_ schema: JSONValue, fetch: SchemaRegistry.Fetch?) async -> Result<JSONSchema, SchemaError> {
        await withCheckedContinuation { continuation in
            Thread {
                var registry = SchemaRegistry()
                registry.fetch = fetch
                continuation.resume(returning: Result { () throws(SchemaError) -> JSONSchema in
                    try JSONSchema.compile(schema, registry: registry, options: .lienthong)
                })
            }.start()
        }
    }

    @Test func remoteReferencesResolveOnlyWhenFetchingIsOnAndWithinTheLimit() async throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0, eventLoops: 1), handler: Documents())
        let port = try await server.start()
        let running = Task { try await server.run() }
        defer {
            server.shutdown()
            running.cancel()
        }
        let reference: JSONValue = ["$ref": .string("http://127.0.0.1:\(port)/integer.json")]
        let hook = RemoteSchemaFetch.hook(client: HTTPClient(), timeout: .seconds(5), maxBytes: 64 * 1024)

        // Off by default: the reference does not resolve, and the error names it.
        guard case .failure(let error) = await compile(reference, fetch: nil) else {
            Issue.record("compiled without fetching")
            return
        }
        #expect(error.code == .unresolvableReference)
        #expect(error.detail.contains("/integer.json"))

        let schema = try await compile(reference, fetch: hook).get()
        #expect(schema.isValid(3))
        #expect(!schema.isValid(0))
        #expect(!schema.isValid("three"))

        // A document over the size limit is refused, not buffered whole.
        let huge: JSONValue = ["$ref": .string("http://127.0.0.1:\(port)/huge.json")]
        guard case .failure = await compile(huge, fetch: hook) else {
            Issue.record("a document over the limit was accepted")
            return
        }
    }
}
