import Foundation
import LienthongHTTP
import LienthongJSON
import Testing
@testable import LienthongGateway

/// HTTP as RFC 9110 says, through the built gateway: a method a path does not document is 405 with `Allow` listing
/// exactly the documented methods (an unknown method like `QUERY` too), and every 401 carries its challenge.
@Suite(.serialized)
struct HTTPSemanticsTests {
    @Test func everyUndocumentedMethodIs405WithTheDocumentedMethodsInAllow() async throws {
        let gateway = try SharedGateway.get()
        let document = try OpenAPIDescription.served(configDirectory: gateway.configDirectory)
        let client = gateway.client()
        let order = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
        for (path, item) in document.json["paths"]?.objectValue ?? [:] {
            let documented = order.filter { item[$0.lowercased()] != nil }
            let concrete = path.replacingOccurrences(of: "{key}", with: "001190000000")
                .replacingOccurrences(of: "{personalId}", with: "001190000000")
                .replacingOccurrences(of: "{id}", with: "person.v1")
            for method in order + ["TRACE", "QUERY", "PROPFIND"] where !documented.contains(method) {
                let response = try await client.send(
                    HTTPClientRequest(url: gateway.baseURL + concrete, method: HTTPMethod(rawValue: method)))
                #expect(response.status == 405, "\(method) \(path)")
                guard method != "TRACE" else { continue }  // the HTTP server answers TRACE itself, for any path
                #expect(response.headers["Allow"] == documented.joined(separator: ", "), "\(method) \(path)")
                if method != "HEAD" { #expect(response.problemCode == "method-not-allowed", "\(method) \(path)") }
            }
        }
    }

    @Test(arguments: [
        ("/v1/services", [String: String](), #"Bearer realm="lienthong""#),
        ("/v1/services", ["Authorization": "Bearer unknown"], #"Bearer realm="lienthong""#),
        ("/v1/records/population/001190000000", ["Lienthong-Purpose": "residence-verification"],
         #"Bearer realm="lienthong""#),
        ("/v1/persons/001190000000/profile", ["Lienthong-Purpose": "residence-verification"],
         #"Bearer realm="lienthong""#),
        ("/v1/documents/land/00004-12-345", ["Lienthong-Purpose": "land-administration"], #"Bearer realm="lienthong""#),
        ("/v1/reports/monthly?month=2026-11", [:], #"Bearer realm="lienthong-operators""#),
        ("/v1/reports/monthly?month=2026-11", ["Authorization": "Bearer unknown"],
         #"Bearer realm="lienthong-operators""#),
    ])
    func a401CarriesTheChallengeOfItsCredential(path: String, headers: [String: String], challenge: String)
        async throws
    {
        let gateway = try SharedGateway.get()
        let response = try await gateway.get(path, headers: headers, client: gateway.client())
        #expect(response.status == 401)
        #expect(response.problemCode == "unauthenticated")
        #expect(response.headers["WWW-Authenticate"] == challenge)
    }

    @Test func aSignedRequestsUntrustedSignatureIs401WithTheConsumerChallenge() async throws {
        let gateway = try SharedGateway.get()
        let message = SignedRequestMessage.population("001190000000", fields: ["personalId"])
        let envelope = try RequestSigner.demoClient(gateway, SignedRequestMessage.motcua).sign(message)
            .flippingSignatureBit(at: 0)
        let response = try await gateway.post(
            "/v1/records/population/001190000000", body: envelope.serializedBytes(),
            headers: [
                "Authorization": "Bearer \(try gateway.token("motcua.token"))",
                "Content-Type": "application/lienthong-envelope+json",
            ],
            client: gateway.client()
        )
        #expect(response.status == 401)
        #expect(response.problemCode?.hasPrefix("trust.") == true, "\(response.json)")
        #expect(response.headers["WWW-Authenticate"] == #"Bearer realm="lienthong""#)
    }
}
