public import Foundation
import LienthongJSON

/// An append-only file of signed heads, one export checkpoint line each (``AuditCheckpoint/json``), fsync'd per
/// head: the embedded default ``AuditWitness``. Put it on other storage than the data directory.
public struct AuditWitnessFile: AuditWitness {
    /// The witness file.
    public let path: String

    /// A witness at `path`; the file and its directory are created at the first head.
    public init(path: String) {
        self.path = path
    }

    /// The default beside (never inside) a data directory: `<data-dir>.witness/audit-witness.jsonl`, so that
    /// deleting, emptying or restoring the data directory leaves the witness in place.
    public static func defaultPath(dataDirectory: URL) -> String {
        let directory = dataDirectory.standardizedFileURL
        return directory.deletingLastPathComponent()
            .appendingPathComponent(directory.lastPathComponent + ".witness")
            .appendingPathComponent("audit-witness.jsonl").path
    }

    /// Appends `head` as one line and fsyncs the file.
    public func witness(_ head: AuditCheckpoint) throws(AuditError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw AuditError(code: .witness, detail: "cannot open the witness file") }
        defer { close(descriptor) }
        let line = Array(AuditExport.line(head.json).utf8)
        // One write(2) in append mode: a crash leaves at most a partial last line, which `latestHead` skips.
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(descriptor) == 0 else {
            throw AuditError(code: .witness, detail: "writing head \(head.seq) to the witness file failed")
        }
    }

    /// The last complete line's head, reading only the file's tail.
    public func latestHead() throws(AuditError) -> AuditCheckpoint? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                throw AuditError(code: .witness, detail: "cannot read the witness file")
            }
            return nil
        }
        defer { try? handle.close() }
        do {
            let size = try handle.seekToEnd()
            var window: UInt64 = 1 << 16
            while true {
                let start = size > window ? size - window : 0
                try handle.seek(toOffset: start)
                let tail = try handle.readToEnd() ?? Data()
                // The last line is complete only if a newline ends it; a partial line is a crashed write.
                var lines = tail.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                if tail.last != UInt8(ascii: "\n") { lines.removeLast() }
                if start > 0 { lines.removeFirst() }  // may begin mid-line
                if let last = lines.last(where: { !$0.isEmpty }) {
                    guard case .checkpoint(let head) = try AuditExport.item(line: last) else {
                        throw AuditError(code: .witness, detail: "the witness file's last line is not a head")
                    }
                    return head
                }
                if start == 0 { return nil }
                window *= 4
            }
        } catch let error as AuditError {
            throw AuditError(code: .witness, detail: "the witness file is unreadable (\(error.detail))")
        } catch {
            throw AuditError(code: .witness, detail: "cannot read the witness file")
        }
    }
}
