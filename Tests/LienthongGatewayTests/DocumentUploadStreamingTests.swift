import Foundation
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import Testing

@testable import LienthongTrust

/// `POST /v1/messages` reads its body as it arrives: a 200 MiB attachment, generated while it is sent, goes to disk
/// with the node growing by a few MiB, and a bad attachment is refused before the rest of the body is read.
@Suite(.serialized)
struct DocumentUploadStreamingTests {
    static let mebibyte = 1024 * 1024

    /// A node whose attachments may be 256 MiB.
    static let gateway: Result<GatewayProcess, any Error> = Result {
        try GatewayProcess(
            configDirectory: try GatewayProcess.demoConfiguration { directory in
                try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) {
                    $0["messages"] = [
                        "maxAttachmentBytes": .number(JSONNumber(256 * mebibyte)),
                        "maxMessageBytes": .number(JSONNumber(600 * mebibyte)),
                    ]
                }
            })
    }

    /// An attachment of `mebibytes` MiB made on the fly: mebibyte `index` is a random block stamped with `index`.
    struct GeneratedAttachment {
        var name: String
        var mebibytes: Int
        let block: [UInt8] = (0..<DocumentUploadStreamingTests.mebibyte).map { _ in UInt8.random(in: 0...255) }

        func mebibyte(_ index: Int) -> [UInt8] {
            var bytes = block
            withUnsafeBytes(of: UInt64(index).littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
            return bytes
        }

        /// The SHA-256 of all its bytes, base64url as messages declare it.
        func sha256() -> String {
            let hasher = SHA256Hasher()
            for index in 0..<mebibytes { hasher.update(mebibyte(index)) }
            return Base64URL.encode(hasher.finalize())
        }
    }

    /// A document message declaring `attachments` (name, SHA-256, length).
    static func message(_ attachments: [(name: String, sha256: String, length: Int)]) -> JSONValue {
        [
            "type": "document", "id": .string(UUID().uuidString.lowercased()),
            "issuedAt": .string(Timestamp.rfc3339(Date())), "sender": .string(DocumentSender.motcua),
            "recipient": .string(DocumentSender.thue), "subject": "Hồ sơ lớn", "purpose": "tax-administration",
            "references": [],
            "attachments": .array(
                attachments.map {
                    [
                        "name": .string($0.name), "mediaType": "application/octet-stream",
                        "sha256": .string($0.sha256), "length": .number(JSONNumber($0.length)),
                    ]
                }),
        ]
    }

    /// POSTs the signed `message` with `attachments` through `curl`, writing the body into its standard input as it
    /// is generated (with `Content-Length`, so the node can stream it); the status and body of the answer.
    static func send(
        _ message: JSONValue, _ attachments: [GeneratedAttachment], sender: DocumentSender
    ) async throws -> (status: Int, body: JSONValue?) {
        let gateway = sender.gateway
        let boundary = "b-\(UUID().uuidString)"
        let envelope = try sender.signer.sign(message).serializedBytes()
        var opening = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"envelope\"\r\n".utf8)
        opening += Array("Content-Type: application/json\r\n\r\n".utf8) + envelope
        let head = opening
        let partHeads = attachments.map { attachment -> [UInt8] in
            let disposition = "Content-Disposition: form-data; name=\"\(attachment.name)\""
            return Array("\r\n--\(boundary)\r\n\(disposition)\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        }
        let tail = Array("\r\n--\(boundary)--\r\n".utf8)
        let framing = head.count + tail.count + partHeads.map(\.count).reduce(0, +)
        let length = framing + attachments.map { $0.mebibytes * mebibyte }.reduce(0, +)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-upload-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: output) }

        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = [
            "-sS", "--cacert", gateway.rootCA, "-X", "POST", "-T", "-", "-o", output.path, "-w", "%{http_code}",
            "-H", "Authorization: Bearer \(try gateway.token("motcua.token"))",
            "-H", "Content-Type: multipart/form-data; boundary=\(boundary)",
            // curl sends standard input chunked unless told the length (and told not to chunk).
            "-H", "Content-Length: \(length)", "-H", "Transfer-Encoding:",
            gateway.baseURL + "/v1/messages",
        ]
        let input = Pipe()
        let status = Pipe()
        curl.standardInput = input
        curl.standardOutput = status
        curl.standardError = FileHandle.nullDevice
        try curl.run()
        let writer = Thread {
            let handle = input.fileHandleForWriting
            // A node that answers early closes the connection: curl then stops reading, and writes fail.
            signal(SIGPIPE, SIG_IGN)
            do {
                try handle.write(contentsOf: Data(head))
                for (part, attachment) in zip(partHeads, attachments) {
                    try handle.write(contentsOf: Data(part))
                    for index in 0..<attachment.mebibytes {
                        try handle.write(contentsOf: Data(attachment.mebibyte(index)))
                    }
                }
                try handle.write(contentsOf: Data(tail))
            } catch {}
            try? handle.close()
        }
        writer.start()
        let code = await withCheckedContinuation { (done: CheckedContinuation<String, Never>) in
            Thread {
                let text = String(decoding: status.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                curl.waitUntilExit()
                done.resume(returning: text)
            }.start()
        }
        let body = try? JSONValue.parse(Array(Data(contentsOf: output)))
        return (Int(code) ?? 0, body)
    }

    static func kibibytes(_ field: String, of pid: Int32) throws -> Int {
        try DocumentStreamingTests.kibibytes(field, of: pid)
    }

    /// The bytes `pid` has read through system calls so far (sockets included): `rchar` of `/proc/PID/io`.
    static func bytesRead(by pid: Int32) throws -> Int {
        let io = try String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8)
        let line = try #require(io.split(separator: "\n").first { $0.hasPrefix("rchar:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }

    @Test func twoHundredMebibyteAttachmentStreamsToDiskInLittleMemory() async throws {
        let sender = try DocumentSender(Self.gateway.get())
        let gateway = sender.gateway
        // Warm the path (TLS, the token, the message store) so that the measurement sees the upload only.
        let small = DocumentSender.Attachment(name: "warm.txt", bytes: Array("warm".utf8))
        let warm = try await sender.send(DocumentSender.message(attachments: [small]), parts: [small])
        #expect(warm.status == 202)

        let attachment = GeneratedAttachment(name: "ho-so.bin", mebibytes: 200)
        let sha256 = attachment.sha256()
        let message = Self.message([(attachment.name, sha256, 200 * Self.mebibyte)])
        let pid = gateway.process.processIdentifier
        try "5".write(toFile: "/proc/\(pid)/clear_refs", atomically: false, encoding: .utf8)  // VmHWM := VmRSS
        let before = try Self.kibibytes("VmRSS", of: pid)
        let (status, body) = try await Self.send(message, [attachment], sender: sender)
        let peak = try Self.kibibytes("VmHWM", of: pid)
        #expect(status == 202, "\(String(describing: body))")
        #expect(body?["id"] == message["id"])
        #expect(peak - before <= 32 * 1024, "VmRSS before \(before) KiB, VmHWM during \(peak) KiB")

        // Stored byte for byte: the file named for its SHA-256 hashes to it.
        let digest = try Base64URL.decode(sha256)
        let stored = gateway.dataDirectory.appendingPathComponent("messages/attachments/\(Hex.encode(digest))")
        let file = try FileHandle(forReadingFrom: stored)
        defer { try? file.close() }
        let hasher = SHA256Hasher()
        var length = 0
        while let chunk = try file.read(upToCount: 4 * Self.mebibyte), !chunk.isEmpty {
            hasher.update(Array(chunk))
            length += chunk.count
        }
        #expect(length == 200 * Self.mebibyte)
        #expect(Base64URL.encode(hasher.finalize()) == sha256)
    }

    @Test func aHashMismatchIsRefusedBeforeTheRestArrivesAndNothingIsStored() async throws {
        let sender = try DocumentSender(Self.gateway.get())
        let gateway = sender.gateway
        let first = GeneratedAttachment(name: "first.bin", mebibytes: 4)
        let second = GeneratedAttachment(name: "second.bin", mebibytes: 128)
        // The first attachment's declared hash is another's; the second is never read.
        let message = Self.message([
            (first.name, second.sha256(), 4 * Self.mebibyte), (second.name, second.sha256(), 128 * Self.mebibyte),
        ])
        let pid = gateway.process.processIdentifier
        let readBefore = try Self.bytesRead(by: pid)
        let (status, body) = try await Self.send(message, [first, second], sender: sender)
        let read = try Self.bytesRead(by: pid) - readBefore
        #expect(status == 400)
        #expect(body?["code"] == "message.attachment-hash-mismatch")
        // Refused once the first attachment ended: the node did not read the 128 MiB that followed it.
        #expect(read < 64 * Self.mebibyte, "the node read \(read) bytes")

        let id = try #require(message["id"]?.stringValue)
        let stored = try await sender.get("/v1/messages/\(id)", token: "motcua.token")
        #expect(stored.problemCode == "message.not-found")
        let messages = gateway.dataDirectory.appendingPathComponent("messages")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: messages.appendingPathComponent("incoming").path)
                .isEmpty)
        let hasher = SHA256Hasher()
        for index in 0..<first.mebibytes { hasher.update(first.mebibyte(index)) }
        let named = Hex.encode(hasher.finalize())
        #expect(!FileManager.default.fileExists(atPath: messages.appendingPathComponent("attachments/\(named)").path))
    }
}
