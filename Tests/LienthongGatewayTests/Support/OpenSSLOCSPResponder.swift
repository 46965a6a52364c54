import Foundation
import LienthongTrust
import Synchronization

/// An `openssl ocsp` responder on a loopback port the kernel picks, answering from an `index.txt` the test writes
/// (the tool reads the file again when it changes), signing with the issuing CA's own key.
final class OpenSSLOCSPResponder: @unchecked Sendable {
    // @unchecked: every stored property is set once in init.
    let process: Process
    let port: Int
    let index: URL
    /// The responder's standard error: one `Received request` line per request.
    let log: OutputCollector

    /// Starts the responder for certificates `issuer` issued, with `certificate` valid in the index.
    /// - Parameter nextUpdateMinutes: `-nmin`; `nil` sends answers without `nextUpdate`.
    init(
        directory: URL, issuer: (certificate: URL, key: URL), valid certificate: Certificate,
        nextUpdateMinutes: Int? = nil
    ) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        index = directory.appendingPathComponent("index.txt")
        // The tool exits without an index, and answers the first request after a change from the old one (it
        // looks for changes only after answering): the index is complete before it starts.
        try Data(Self.line(certificate, revoked: false).utf8).write(to: index)
        try Self.stamp(index, version: 0)
        try Data("unique_subject = no\n".utf8).write(to: directory.appendingPathComponent("index.txt.attr"))
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "ocsp", "-index", index.path, "-port", "0", "-CA", issuer.certificate.path,
            "-rsigner", issuer.certificate.path, "-rkey", issuer.key.path,
        ] + (nextUpdateMinutes.map { ["-nmin", String($0)] } ?? [])
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        log = OutputCollector(errors.fileHandleForReading)
        // The first line is `ACCEPT [::]:<port> PID=<pid>`.
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw GatewayProcessError(message: "openssl ocsp exited: \(log.all)") }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let accept = text.split(separator: " ").dropFirst().first, let colon = accept.lastIndex(of: ":"),
            let port = Int(accept[accept.index(after: colon)...])
        else { throw GatewayProcessError(message: "unexpected openssl ocsp banner: \(text)") }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// How many requests the responder received so far.
    var requestCount: Int { log.lines.filter { $0.contains("Received request") }.count }

    /// Writes the index: `certificate` valid, or revoked an hour ago.
    func publish(_ certificate: Certificate, revoked: Bool) throws {
        let next = index.appendingPathExtension("new")
        // A new file, renamed over the old: the responder never reads half a line.
        try Data(Self.line(certificate, revoked: revoked).utf8).write(to: next)
        try Self.stamp(next, version: generation.withLock { value in
            value += 1
            return value
        })
        guard rename(next.path, index.path) == 0 else { throw GatewayProcessError(message: "cannot rename the index") }
    }

    /// The index line of `certificate`.
    private static func line(_ certificate: Certificate, revoked: Bool) -> String {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyMMddHHmmss'Z'"
        let expiry = format.string(from: certificate.notAfter)
        let revocation = revoked ? format.string(from: Date().addingTimeInterval(-3600)) : ""
        let fields = [
            revoked ? "R" : "V", expiry, revocation, certificate.serialNumberHex.uppercased(), "unknown",
            "/CN=\(certificate.subjectCommonName ?? "-")",
        ]
        return fields.joined(separator: "\t") + "\n"
    }

    /// Versions of the index written so far.
    private let generation = Mutex(0)

    /// Gives `file` a modification time of its own: the tool reads the index again only when its whole-second
    /// time stamps change, so two versions written within a second would look alike.
    private static func stamp(_ file: URL, version: Int) throws {
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: 1_000_000_000 + Double(version))], ofItemAtPath: file.path)
    }

    /// Stops the responder.
    func stop() {
        // SIGKILL: the tool only notes a SIGTERM, and goes on waiting in accept().
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
