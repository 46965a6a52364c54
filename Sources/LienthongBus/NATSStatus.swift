import CNats
import Foundation

/// libnats' status codes as Swift sees them.
enum NATSStatus {
    /// Throws `code` with `operation` and the status text (and JetStream's own error code) unless `status` is OK.
    static func check(
        _ status: natsStatus, _ code: JetStreamError.Code, _ operation: String, jetStream: jsErrCode = jsErrCode(0)
    ) throws(JetStreamError) {
        guard status != NATS_OK else { return }
        throw JetStreamError(code, describe(status, operation, jetStream: jetStream))
    }

    /// `operation: status text (JetStream code N)`.
    static func describe(_ status: natsStatus, _ operation: String, jetStream: jsErrCode = jsErrCode(0)) -> String {
        let text = natsStatus_GetText(status).map { String(cString: $0) } ?? "status \(status.rawValue)"
        guard jetStream.rawValue != 0 else { return "\(operation): \(text)" }
        return "\(operation): \(text) (JetStream \(jetStream.rawValue))"
    }

    /// Calls `body` with `strings` as a C array of C strings, valid only during the call.
    static func withCStrings<T>(
        _ strings: [String], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>) throws(JetStreamError) -> T
    ) throws(JetStreamError) -> T {
        let copies = strings.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        var pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        return try pointers.withUnsafeMutableBufferPointer { buffer throws(JetStreamError) in
            try body(buffer.baseAddress!)
        }
    }
}
