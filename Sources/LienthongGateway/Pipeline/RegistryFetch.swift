import LienthongConnectors
import LienthongCore
import LienthongJSON

/// The fetch stage: every lookup's data comes from a registry's back end through here, timed on the request's
/// trace and metrics, and a connector error becomes its problem. (A provider served by another node is the branch
/// that belongs here.)
struct RegistryFetch: Sendable {
    /// The registry's canonical record for `key`, or 404 `record-not-found`.
    func record(_ runtime: RegistryRuntime, key: String) async throws(Problem) -> JSONValue {
        let answer: JSONValue?
        do {
            answer = try await RequestTrace.upstream(runtime.descriptor.name, key: key) {
                () async throws(ConnectorError) -> JSONValue? in try await runtime.registry.record(key: key)
            }
        } catch {
            throw error.problem
        }
        guard let answer else { throw GatewayProblems.recordNotFound(runtime.descriptor.name) }
        return answer
    }

    /// The native records the connector search `name` finds for `parameters`, at most `limit`.
    func search(
        _ runtime: RegistryRuntime, _ name: String, parameters: [String: String], key: String, limit: Int
    ) async throws(Problem) -> [NativeRecord] {
        do {
            return try await RequestTrace.upstream(runtime.descriptor.name, key: key) {
                () async throws(ConnectorError) -> [NativeRecord] in
                try await runtime.registry.connector.search(
                    NativeSearch(name: name, parameters: parameters, limit: limit))
            }
        } catch {
            throw error.problem
        }
    }

    /// The registry's document for `key`, its transfer begun, or 404 `document-not-found`.
    func document(_ runtime: RegistryRuntime, key: String) async throws(Problem) -> DocumentStream {
        let answer: DocumentStream?
        do {
            answer = try await RequestTrace.upstream(runtime.descriptor.name, key: key) {
                () async throws(ConnectorError) -> DocumentStream? in try await runtime.registry.document(key: key)
            }
        } catch {
            throw error.problem
        }
        guard let answer else { throw GatewayProblems.documentNotFound(runtime.descriptor.name) }
        return answer
    }
}

extension RegistryRuntime {
    /// The validate stage: `record` must match the registry's canonical schema, else 502
    /// `upstream-contract-violation` (noted on the request's trace, since a withheld profile part is no error answer).
    func check(_ record: JSONValue) throws(Problem) {
        let validation = schema.validate(record)
        guard validation.isValid else {
            let location = validation.errors.first?.keywordLocation ?? ""
            throw contractViolation("the mapped record fails \(descriptor.schema) at \(location)")
        }
    }

    /// The contract violation `detail` of this registry, noted on the request's trace.
    func contractViolation(_ detail: String) -> Problem {
        let problem = GatewayProblems.contractViolation(descriptor.name, detail)
        RequestTrace.current?.failedContract(problem, registry: descriptor.name)
        return problem
    }
}
