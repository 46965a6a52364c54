import Foundation
import LienthongGateway

/// `lienthong serve`: loads the configuration, prepares the data directory and runs until SIGTERM/SIGINT;
/// SIGHUP reloads.
struct ServeCommand {
    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configDirectory = URL(
            fileURLWithPath: arguments.option("config") ?? environment["LIENTHONG_CONFIG"] ?? "config/demo"
        )
        let dataDirectory = (arguments.option("data-dir") ?? environment["LIENTHONG_DATA_DIR"])
            .map { URL(fileURLWithPath: $0) }
        let listen = arguments.option("listen") ?? environment["LIENTHONG_LISTEN"]
        // Called at start and again on every reload (SIGHUP), so both read the configuration the same way.
        try await Gateway.serve {
            try GatewayConfiguration.load(
                configDirectory: configDirectory, dataDirectory: dataDirectory, listen: listen)
        }
    }
}
