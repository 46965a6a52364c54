import Foundation
import LienthongTesting
import Testing

/// Schemathesis (property-based tests generated from the served OpenAPI description) against a gateway on the
/// embedded default that is also the federation's authority, with a credential for each role: zero failures, zero
/// 5xx.
///
/// `scripts/test` installs schemathesis, pinned, into `.venv-schemathesis`; without it the test is skipped locally
/// and fails in CI (`CI` set), so it is never skipped there unnoticed.
@Suite(.serialized)
struct SchemathesisTests {
    /// The `st` command: `$LIENTHONG_SCHEMATHESIS`, or the virtual environment `scripts/test` makes.
    static let command = ProcessInfo.processInfo.environment["LIENTHONG_SCHEMATHESIS"].map(URL.init(fileURLWithPath:))
        ?? Repository.root.appendingPathComponent(".venv-schemathesis/bin/st")
    static let installed = FileManager.default.isExecutableFile(atPath: command.path)
    static let inCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" } ?? false
    /// Fixed, so a failure replays.
    static let seed = "20261206"

    @Test(
        .enabled(if: installed || inCI, "schemathesis is missing: scripts/test installs it in .venv-schemathesis"),
        .timeLimit(.minutes(5))
    )
    func theGatewayAnswersEveryGeneratedRequestAsItsDescriptionSays() async throws {
        try #require(Self.installed, "\(Self.command.path) is missing: scripts/test installs schemathesis there")
        // The federation's authority too, with a published global configuration, so that its route answers 200.
        let dataDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        try FederationAuthority().publish(to: dataDirectory.appendingPathComponent("federation/published.json"))
        let gateway = try FederationTests.authorityNode(dataDirectory: dataDirectory)
        defer { gateway.stop() }
        let citizens = gateway.dataDirectory.appendingPathComponent("secrets/citizen-tokens")
        let citizenFile = try #require(
            try FileManager.default.contentsOfDirectory(atPath: citizens.path).sorted().first)
        let environment = [
            "LIENTHONG_CONSUMER_TOKEN": try gateway.token("motcua.token"),
            "LIENTHONG_OPERATOR_TOKEN": try gateway.token("operator.token"),
            "LIENTHONG_CITIZEN_TOKEN": try gateway.token("citizen-tokens/\(citizenFile)"),
            "LIENTHONG_CITIZEN_ID": String(citizenFile.dropLast(".token".count)),
        ]
        let configuration = Repository.root.appendingPathComponent("Tests/Fixtures/schemathesis/schemathesis.toml")
        let output = try ChildProcess.run(
            Self.command,
            [
                "--no-color", "--config-file", configuration.path, "run", gateway.baseURL + "/openapi.json",
                "--tls-verify", gateway.rootCA, "--seed", Self.seed, "--request-timeout", "10",
            ],
            // Its replay files go to the gateway's temporary directory, not the repository.
            currentDirectory: gateway.dataDirectory, environment: environment
        )
        let summary = output.stdout.split(separator: "\n").last { $0.contains(" generated") } ?? "no summary"
        // The figures, for the log of the run.
        print("schemathesis \(Self.seed): \(summary.trimmingCharacters(in: .whitespaces))")
        #expect(output.status == 0, "\(output.stdout.suffix(6_000))\(output.stderr.suffix(2_000))")
        #expect(summary.contains(" passed") && !summary.contains("fail"), "\(summary)")

        // No 5xx, by the gateway's own count of its answers.
        let metrics = try await gateway.metrics(client: gateway.client())
        let requests = metrics.split(separator: "\n").filter {
            $0.hasPrefix(#"lienthong_requests_total{listener="api""#)
        }
        #expect(requests.count > 20, "the run reached the gateway")
        // The authority's route was reached and answered with the published document.
        let federation = requests.filter { $0.contains(#"route="/v1/federation/configuration""#) }
        #expect(federation.contains { $0.contains(#"status="200""#) }, "\(federation)")
        let serverErrors = requests.filter { $0.contains("status=\"5") }
        #expect(serverErrors.isEmpty, "\(serverErrors)")
    }
}
