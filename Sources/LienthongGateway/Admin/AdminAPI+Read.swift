import Foundation
import LienthongAudit
import LienthongConnectors
import LienthongCore
import LienthongHTTP
import LienthongJSON

// What viewers read: readiness, metrics, status, configuration, connectors, the audit log's state, reports.
extension AdminAPI {
    /// Each component's readiness (the public `/readyz` answers the overall status only).
    func readiness() async -> HTTPResponse {
        let readiness = await NodeReadiness.check(
            registries: current.current.registries, audit: services.audit.log, storage: services.replay, federation: services.federation)
        return .json(readiness.detailed, status: readiness.httpStatus)
    }

    /// Prometheus text: ``Metrics``, then what is read at scrape time.
    func metrics() async -> HTTPResponse {
        let snapshot = current.current
        var text = PrometheusText()
        text.family("lienthong_build_info", "gauge", "The running build: version and configuration generation.")
        text.sample(
            "lienthong_build_info", [("version", Gateway.version), ("generation", "\(snapshot.generation)")], 1)
        services.metrics.write(to: &text)
        let readiness = await NodeReadiness.check(
            registries: snapshot.registries, audit: services.audit.log, storage: services.replay, federation: services.federation)
        NodeMetrics.write(readiness: readiness, registries: snapshot.registries, to: &text)
        NodeMetrics.write(audit: services.audit.log.statistics, to: &text)
        text.family("lienthong_reload_attempts_total", "counter", "Reloads attempted since start.")
        text.sample("lienthong_reload_attempts_total", attachedNode?.reloadAttempts ?? 0)
        ProcessMetrics.write(to: &text)
        return HTTPResponse(
            status: 200, headers: ["Content-Type": "text/plain; version=0.0.4", "Cache-Control": "no-store"],
            body: Array(text.text.utf8))
    }

    func status() -> HTTPResponse {
        let snapshot = current.current
        let configuration = snapshot.configuration
        return .json([
            "version": .string(Gateway.version),
            "generation": .number(JSONNumber(snapshot.generation)),
            "startedAt": .string(Timestamp.rfc3339(started)),
            "reloadAttempts": .number(JSONNumber(attachedNode?.reloadAttempts ?? 0)),
            "listen": .string(configuration.listen),
            "admin": .string(configuration.node.admin?.address ?? AdminConfiguration.defaultListen),
            "configDirectory": .string(configuration.configDirectory.standardizedFileURL.path),
            "registries": .array(configuration.registries.map { .string($0.name) }),
            "consumers": .number(JSONNumber(configuration.policy.consumers.count)),
            "grants": .number(JSONNumber(configuration.policy.grants.count)),
        ])
    }

    /// The configuration files as they are on disk now, secrets redacted.
    func configuration() -> HTTPResponse {
        let configuration = current.current.configuration
        let documents = ConfigurationDocuments(directory: configuration.configDirectory)
        var files: JSONObject = [:]
        for (file, value) in documents.values { files[file] = ConfigurationRedaction.redact(value) }
        return .json([
            "generation": .number(JSONNumber(current.current.generation)),
            "files": .object(files),
            "problems": .array(documents.problems.map { .string($0.description) }),
        ])
    }

    /// Each registry's connector: kind, provider, health and breaker.
    func connectors() async -> HTTPResponse {
        .json(["connectors": .array(await ConnectorStatus.of(current.current.registries).map(\.json))])
    }

    /// Runs a registry's probe (as `config check --probe`) and records the test in the audit log.
    func testConnector(_ call: Call) async -> HTTPResponse {
        let configuration = current.current.configuration
        guard let descriptor = configuration.registries.first(where: { $0.name == call.parameters[0] }) else {
            return .problem(AdminProblems.notFound("registry"), requestID: nil)
        }
        let problems = await ConfigurationProbe.run(
            descriptor, in: configuration, httpClient: services.httpClient, variables: services.connectorVariables)
        if let refused = await audit(call, action: "connector.test", files: [], status: 200) {
            return .problem(refused, requestID: nil)
        }
        return .json([
            "registry": .string(descriptor.name), "ok": .bool(problems.isEmpty),
            "problems": .array(problems.map { .string($0.description) }),
        ])
    }

    /// The audit log: head, last checkpoint, writer counters and whether the start check found a break.
    func auditStatus() -> HTTPResponse {
        .json(AuditChainStatus(services.audit).json)
    }

    /// The monthly report, as `GET /v1/reports/monthly` on the public port gives it to operator tokens.
    func monthlyReport(_ call: Call) async -> HTTPResponse {
        await ReportEndpoint(audit: services.audit.log, operators: nil).monthly(call.request)
    }
}
