import Foundation
import LienthongJSON
import Testing

@testable import LienthongGateway

/// The `federation` section is read once, at start: the refresh task and what it holds live as long as the process,
/// so a reload keeps the running section and names it among the settings that wait for a restart.
struct FederationReloadTests {
    @Test func aReloadKeepsTheRunningFederationSectionUntilARestart() throws {
        let federation = try FederationAuthority()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        let plain = try GatewayProcess.demoConfiguration()
        let member = try GatewayProcess.demoConfiguration { directory in
            try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) { node in
                node["federation"] = federation.nodeSection(port: 9443, rootCA: federation.anchor.path)
            }
        }
        let running = try GatewayConfiguration.resolve(configDirectory: plain, dataDirectory: data).get()
        var loaded = try GatewayConfiguration.resolve(configDirectory: member, dataDirectory: data).get()
        #expect(loaded.node.federation != nil)
        let restartOnly = GatewayNode.keepRestartOnlySettings(of: running, in: &loaded)
        #expect(restartOnly == ["federation"])
        #expect(loaded.node.federation == nil)
    }
}
