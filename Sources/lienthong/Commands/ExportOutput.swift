import Foundation
import LienthongCommandLine

/// Where an export's lines go: the `--out` file, made durable when it is finished, or standard output; written in
/// 64 KiB blocks, so an export of any size holds only one block in memory.
final class ExportOutput {
    private let handle: FileHandle
    /// The file, or `nil` for standard output.
    let path: String?
    private var buffer: [UInt8] = []

    /// Creates (or empties) `path`, or writes to standard output when it is `nil`.
    /// - Throws: ``UsageError`` if the file cannot be created.
    init(_ path: String?) throws {
        self.path = path
        guard let path else {
            handle = FileHandle.standardOutput
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw UsageError("cannot create \(path)")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    /// Appends one line (with its newline).
    func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes what is left; for a file, syncs it and its directory entry (so that it survives a crash before
    /// anything that relies on it, such as detaching what it archived) and closes it.
    func finish() throws {
        flush()
        guard let path else { return }
        try handle.synchronize()
        try handle.close()
        if let directory = FileHandle(forReadingAtPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) {
            try directory.synchronize()
            try directory.close()
        }
    }

    private func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
