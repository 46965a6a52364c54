import Foundation
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongTrust

// The signing keys, for security officers: the store in <data>/keys that `lienthong keys` manages (NodeSigningKeys).
extension AdminAPI {
    /// Every provider's key versions: algorithm, `kid`, expiry, which one is current.
    func keys() -> HTTPResponse {
        do throws(TrustError) {
            let store = try keyStore()
            var providers: JSONObject = [:]
            for provider in try store.providers() {
                providers[provider] = .array(try store.versions(of: provider).map(Self.json))
            }
            return .json(["providers": .object(providers)])
        } catch {
            return .problem(Self.keyProblem(error), requestID: nil)
        }
    }

    /// A CSR for the provider's newest key without a certificate; with `generate`, for a new key made first.
    func keySigningRequest(_ call: Call) async -> HTTPResponse {
        guard let body = try? JSONValue.parse(call.request.body), let provider = body["provider"]?.stringValue else {
            return .problem(AdminProblems.invalidBody("Send {\"provider\": id, \"generate\": bool}."), requestID: nil)
        }
        let answer: JSONValue
        do throws(TrustError) {
            let store = try keyStore()
            if body["generate"] == .bool(true) {
                let algorithm = try JWSAlgorithm(header: body["algorithm"]?.stringValue ?? "ES256")
                _ = try store.generate(provider: provider, algorithm: algorithm, now: Date())
            }
            let (version, request) = try store.signingRequest(
                provider: provider, organization: body["organization"]?.stringValue)
            answer = ["provider": .string(provider), "version": .string(version.name), "csr": .string(request.pemString)]
        } catch {
            return await keyRefused(call, action: "keys.csr", error)
        }
        if let refused = await audit(call, action: "keys.csr", files: [], status: 200) {
            return .problem(refused, requestID: nil)
        }
        return .json(answer)
    }

    /// Imports the certificate chain (PEM) issued for one of the provider's keys.
    func importKeyCertificate(_ call: Call) async -> HTTPResponse {
        guard let body = try? JSONValue.parse(call.request.body), let provider = body["provider"]?.stringValue,
            let pem = body["certificateChain"]?.stringValue
        else {
            return .problem(
                AdminProblems.invalidBody("Send {\"provider\": id, \"certificateChain\": PEM}."), requestID: nil)
        }
        let version: KeyVersion
        do throws(TrustError) {
            version = try keyStore().importCertificate(provider: provider, chain: try Certificate.chain(pem: pem), now: Date())
        } catch {
            return await keyRefused(call, action: "keys.import", error)
        }
        if let refused = await audit(call, action: "keys.import", files: [], status: 200) {
            return .problem(refused, requestID: nil)
        }
        return .json(Self.json(version))
    }

    /// Makes the provider's newest key with a valid certificate current, and reloads so the node signs with it.
    func rotateKey(_ call: Call) async -> HTTPResponse {
        guard let body = try? JSONValue.parse(call.request.body), let provider = body["provider"]?.stringValue,
            let node = attachedNode
        else { return .problem(AdminProblems.invalidBody("Send {\"provider\": id}."), requestID: nil) }
        let version: KeyVersion
        do throws(TrustError) {
            version = try keyStore().rotate(provider: provider, now: Date())
        } catch {
            return await keyRefused(call, action: "keys.rotate", error)
        }
        let outcome = node.reloadFromFiles()
        let status = outcome.isApplied ? 200 : 500
        if let refused = await audit(call, action: "keys.rotate", files: [], status: status) {
            return .problem(refused, requestID: nil)
        }
        guard outcome.isApplied else {
            return .problem(AdminProblems.invalidChange(Array(outcome.logLines.dropFirst())), requestID: nil)
        }
        var answer = Self.json(version).objectValue ?? [:]
        answer["generation"] = .number(JSONNumber(current.current.generation))
        return .json(.object(answer))
    }

    /// The node's key store; a token whose PIN cannot be read is a `trust.token-failure`.
    private func keyStore() throws(TrustError) -> KeyDirectory {
        do {
            return try NodeSigningKeys.directory(current.current.configuration)
        } catch let error as TrustError {
            throw error
        } catch {
            throw TrustError(.tokenFailure, "\(error)")
        }
    }

    private func keyRefused(_ call: Call, action: String, _ error: TrustError) async -> HTTPResponse {
        let problem = Self.keyProblem(error)
        _ = await audit(call, action: action, files: [], status: problem.status, problemCode: problem.code)
        return .problem(problem, requestID: nil)
    }

    private static func keyProblem(_ error: TrustError) -> Problem {
        Problem(
            status: 422, code: "admin-key-refused", title: "The key store refused the request",
            detail: error.description)
    }

    private static func json(_ version: KeyVersion) -> JSONValue {
        var entry: JSONObject = [
            "provider": .string(version.provider), "version": .string(version.name),
            "algorithm": .string(version.algorithm.rawValue), "current": .bool(version.isCurrent),
        ]
        if let keyID = version.keyID { entry["kid"] = .string(keyID) }
        if let notAfter = version.notAfter { entry["notAfter"] = .string(Timestamp.rfc3339(notAfter)) }
        return .object(entry)
    }
}

extension ReloadOutcome {
    /// Whether the reload was applied.
    var isApplied: Bool {
        if case .applied = self { return true }
        return false
    }

}
