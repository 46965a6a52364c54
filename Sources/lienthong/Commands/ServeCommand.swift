import Foundation
import LienthongCommandLine
import LienthongGateway

/// `lienthong serve`: loads the configuration, prepares the data directory and runs until SIGTERM/SIGINT;
/// SIGHUP reloads.
struct ServeCommand: LienthongCommand {
    static let command = Command(
        "serve", summary: "start the gateway and run until SIGTERM or SIGINT (SIGHUP reloads)",
        options: [
            .value("config", "DIR", help: "configuration directory (default: $LIENTHONG_CONFIG, else config/demo)"),
            .value(
                "data-dir", "DIR",
                help: "data directory: database, audit log, keys (default: $LIENTHONG_DATA_DIR, else node.json's, "
                    + "else .lienthong)"),
            .value(
                "listen", "HOST:PORT", help: "address to listen on (default: $LIENTHONG_LISTEN, else node.json's)",
                format: .hostPort),
            .value(
                "admin-listen", "HOST:PORT",
                help: "address of the admin listener (default: $LIENTHONG_ADMIN_LISTEN, else node.json's admin.listen, "
                    + "else 127.0.0.1:8444)",
                format: .hostPort),
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() async throws -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let configDirectory = URL(
            fileURLWithPath: arguments.option("config") ?? environment["LIENTHONG_CONFIG"] ?? "config/demo"
        )
        let dataDirectory = (arguments.option("data-dir") ?? environment["LIENTHONG_DATA_DIR"])
            .map { URL(fileURLWithPath: $0) }
        let listen = arguments.option("listen") ?? environment["LIENTHONG_LISTEN"]
        let adminListen = arguments.option("admin-listen") ?? environment["LIENTHONG_ADMIN_LISTEN"]
        // Called at start and again on every reload (SIGHUP), so both read the configuration the same way.
        try await Gateway.serve {
            var configuration = try GatewayConfiguration.load(
                configDirectory: configDirectory, dataDirectory: dataDirectory, listen: listen)
            if let adminListen { configuration.adminListen = adminListen }
            return configuration
        }
        return 0
    }
}
