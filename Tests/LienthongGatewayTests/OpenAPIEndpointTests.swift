import Foundation
import LienthongHTTP
import LienthongJSON
import Testing
@testable import LienthongGateway

/// `GET /openapi.json` through the built gateway, and the gateway answering every operation as the document says.
@Suite(.serialized)
struct OpenAPIEndpointTests {
    @Test func servesTheDescriptionToAnyoneWithGetAndHead() async throws {
        let gateway = try SharedGateway.get()
        let client = gateway.client()
        // No credential: the description carries no data.
        let response = try await gateway.get("/openapi.json", client: client)
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.json == (try OpenAPIDescription.served(configDirectory: gateway.configDirectory)).json)
        #expect(response.json["openapi"]?.stringValue?.hasPrefix("3.1.") == true)

        let head = try await client.send(HTTPClientRequest(url: gateway.baseURL + "/openapi.json", method: .head))
        #expect(head.status == 200)
        #expect(head.headers["Content-Type"] == "application/json")
        #expect(head.body.isEmpty)
        let post = try await client.send(HTTPClientRequest(url: gateway.baseURL + "/openapi.json", method: .post))
        #expect(post.status == 405)
        #expect(post.problemCode == "method-not-allowed")
    }

    /// Each operation of the document, sent as an integrator's first try (its required parameters from their
    /// examples, no credential, no body), is routed (no `not-found`, no `method-not-allowed`) and answered with a
    /// status, media type and body the document describes for it.
    @Test func everyOperationIsAnsweredAsTheDocumentDescribes() async throws {
        let gateway = try SharedGateway.get()
        let document = try OpenAPIDescription.served(configDirectory: gateway.configDirectory)
        let client = gateway.client()
        for operation in document.operations {
            var path = operation.path
            var query: [String] = []
            var headers = HTTPHeaders()
            for parameter in document.parameters(operation) where parameter["required"] == true {
                let name = try #require(parameter["name"]?.stringValue)
                let example = try #require(parameter["example"]?.stringValue, "\(operation.pointer): \(name)")
                switch parameter["in"]?.stringValue {
                case "path": path = path.replacingOccurrences(of: "{\(name)}", with: example)
                case "query": query.append("\(name)=\(example)")
                default: headers.add(name: name, value: example)
                }
            }
            if let mediaType = operation.json["requestBody"]?["content"]?.objectValue?.keys.sorted().first {
                headers.add(name: "Content-Type", value: mediaType)
            }
            let target = path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
            let response = try await client.send(
                HTTPClientRequest(
                    url: gateway.baseURL + target, method: HTTPMethod(rawValue: operation.method.uppercased()),
                    headers: headers
                )
            )
            try expectDocumented(response, document, operation)
        }
        // The router labels each request with its route's template (a written-out registry path's too).
        let metrics = try await gateway.metrics(client: client)
        for path in Set(document.operations.map(\.path)) {
            let route = try #require(Route.match(path.split(separator: "/").map(String.init))?.route, "\(path)")
            #expect(metrics.contains("route=\"\(route.rawValue)\""), "\(path)")
        }
    }

    /// Successful answers, with credentials, match their documented schemas; so does a signed request's body.
    @Test func authenticatedAnswersMatchTheirSchemas() async throws {
        let gateway = try SharedGateway.get()
        let document = try OpenAPIDescription.served(configDirectory: gateway.configDirectory)
        let client = gateway.client()
        let id = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        let consumer = "Bearer \(try gateway.token("motcua.token"))"
        let purpose = "residence-verification"
        let citizens = gateway.dataDirectory.appendingPathComponent("secrets/citizen-tokens")
        let citizenFile = try #require(
            try FileManager.default.contentsOfDirectory(atPath: citizens.path).sorted().first)
        let citizen = try String(contentsOf: citizens.appendingPathComponent(citizenFile), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let calls: [(path: String, template: String, headers: [String: String])] = [
            ("/v1/records/population/\(id)?fields=personalId,fullName", "/v1/records/population/{key}",
             ["Authorization": consumer, "Lienthong-Purpose": purpose]),
            ("/v1/persons/\(id)/profile", "/v1/persons/{personalId}/profile",
             ["Authorization": consumer, "Lienthong-Purpose": purpose]),
            ("/v1/services", "/v1/services", ["Authorization": consumer]),
            ("/v1/schemas", "/v1/schemas", [:]),
            ("/v1/transparency/persons/\(citizenFile.dropLast(".token".count))/accesses",
             "/v1/transparency/persons/{personalId}/accesses", ["Authorization": "Citizen \(citizen)"]),
            ("/v1/reports/monthly?month=2026-11", "/v1/reports/monthly",
             ["Authorization": "Bearer \(try gateway.token("operator.token"))"]),
            ("/healthz", "/healthz", [:]), ("/readyz", "/readyz", [:]),
        ]
        for call in calls {
            let response = try await gateway.get(call.path, headers: call.headers, client: client)
            #expect(response.status == 200, "\(call.path): \(response.json)")
            let operation = try #require(document.operations.first { $0.path == call.template && $0.method == "get" })
            try expectDocumented(response, document, operation)
        }

        let lookup = try #require(
            document.operations.first { $0.path == "/v1/records/population/{key}" && $0.method == "post" }
        )
        let requestSchema = try document.schema(
            at: lookup.pointer.appending("requestBody").appending("content")
                .appending("application/lienthong-envelope+json").appending("schema")
        )
        let message = SignedRequestMessage.population(id, fields: ["personalId", "fullName"])
        let envelope = try RequestSigner.demoClient(gateway, SignedRequestMessage.motcua).sign(message)
        #expect(requestSchema.isValid(envelope))
        #expect(!requestSchema.isValid(message))
        let signed = try await gateway.post(
            "/v1/records/population/\(id)", body: envelope.serializedBytes(),
            headers: ["Authorization": consumer, "Content-Type": "application/lienthong-envelope+json"], client: client
        )
        #expect(signed.status == 200, "\(signed.json)")
        try expectDocumented(signed, document, lookup)
    }

    /// `response`'s status is documented for `operation`, with its media type, and a JSON body valid against the
    /// documented schema.
    private func expectDocumented(
        _ response: HTTPClientResponse, _ document: OpenAPIDescription, _ operation: OpenAPIDescription.Operation,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let label =
            "\(operation.method.uppercased()) \(operation.path): \(response.status) \(response.problemCode ?? "")"
        #expect(response.problemCode != "not-found" && response.problemCode != "method-not-allowed", "\(label)")
        let documented = try #require(document.response(operation, status: response.status), "\(label)")
        if operation.method == "head" {
            #expect(response.body.isEmpty, "\(label)", sourceLocation: sourceLocation)
            return
        }
        let mediaType = response.headers["Content-Type"] ?? ""
        let content = documented.resolve(in: document.json)?["content"]?[mediaType]
        #expect(content != nil, "\(label): \(mediaType) is not documented", sourceLocation: sourceLocation)
        guard mediaType.contains("json"), content?["schema"] != nil else { return }
        let schema = try document.schema(
            at: documented.appending("content").appending(mediaType).appending("schema")
        )
        let result = schema.validate(response.json)
        #expect(result.isValid, "\(label): \(result.errors.prefix(3))", sourceLocation: sourceLocation)
    }
}
