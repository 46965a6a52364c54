import Foundation
import LienthongJSON
import LienthongTesting
import Testing

/// `scripts/federation` as a user runs it: an authority, four ministry nodes and the province node on loopback; the
/// curl commands it prints work as printed (each record signed by a ministry's node and countersigned, the profile
/// assembled from the ministries' signed parts), and Ctrl-C stops every node.
@Suite(.serialized)
struct FederationScriptTests {
    @Test(.timeLimit(.minutes(6)))
    func thePrintedCurlsWorkAsPrintedAndCtrlCStopsEveryNode() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-federation-\(UUID().uuidString)")
        let run = directory.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let output = directory.appendingPathComponent("script.out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        // The test runner's threads block most signals and a child inherits the mask: Python clears it, then
        // becomes the script, which must see Ctrl-C.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
                + "os.execv(sys.argv[1], sys.argv[1:])",
            Repository.root.appendingPathComponent("scripts/federation").path, run.path,
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["LIENTHONG_BIN": GatewayProcess.binary.path])
        { _, added in added }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: output)
        try process.run()
        defer { if process.isRunning { process.interrupt() } }
        let ready = run.appendingPathComponent("ready")
        let started = try await Poll.until(within: .seconds(240), every: .milliseconds(200)) {
            FileManager.default.fileExists(atPath: ready.path) || !process.isRunning
        }
        let banner = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        try #require(started && process.isRunning, "\(banner)")

        let lines = banner.split(separator: "\n").map(String.init)
        let curls = lines.filter { $0.hasPrefix("  curl --cacert") }
        #expect(curls.count == 5, "\(banner)")
        for curl in curls {
            let answer = directory.appendingPathComponent("answer.json")
            let result = try ChildProcess.run(
                tool: "bash", ["-c", "\(curl) -s -o '\(answer.path)' -w '%{http_code}'"])
            #expect(result.stdout == "200", "\(curl): \(result.stdout)")
            let envelope = try JSONValue.parse(Array(try Data(contentsOf: answer)))
            #expect(envelope["message"]?["consumer"] == "VN/GOV/HCM/MOTCUA")
            if curl.contains("/profile") {
                // Assembled and signed by the province node; each part signed by its ministry's node, or withheld
                // by it (enterprise registration is not a purpose the land and insurance nodes grant).
                let record = envelope["message"]?["record"]
                #expect(envelope["message"]?["schema"] == "person-profile.v2", "\(curl)")
                #expect(envelope["signatures"]?.arrayValue?.count == 1, "\(curl)")
                #expect(record?["person"]?["message"]?["provider"] == "VN/GOV/BCA/DANCU")
                #expect(record?["enterprises"]?["message"]?["provider"] == "VN/GOV/BTC/DKKD")
                #expect(record?["parcels"]?["withheld"] == true && record?["insurance"]?["withheld"] == true)
            } else {
                #expect(envelope["signatures"]?.arrayValue?.count == 2, "\(curl)")
            }
        }
        // The piped commands (an answer checked offline) work as printed too.
        for (index, line) in lines.enumerated()
        where line.hasPrefix("  curl -s") && line.hasSuffix("\\") && index + 1 < lines.count {
            let command = String(line.dropLast()) + lines[index + 1]
            let result = try ChildProcess.run(tool: "bash", ["-o", "pipefail", "-c", command])
            #expect(result.status == 0, "\(command): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("result: valid"), "\(result.stdout)")
            if command.contains("/profile") {
                #expect(result.stdout.contains("part person: valid, origin VN/GOV/BCA/DANCU"), "\(result.stdout)")
            }
        }

        let province = Int(
            try String(contentsOf: run.appendingPathComponent("node-hcm.port"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines))
        process.interrupt()
        #expect(try await Poll.until(within: .seconds(60)) { !process.isRunning })
        let refused: Bool
        do {
            close(try Loopback.connect(port: try #require(province)))
            refused = false
        } catch {
            refused = true
        }
        #expect(refused, "the province node still listens after Ctrl-C")
    }
}
