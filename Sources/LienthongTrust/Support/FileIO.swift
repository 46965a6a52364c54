import Foundation

/// File reads and atomic writes for keys, certificates and CRLs.
enum FileIO {
    /// The contents of the file at `url`.
    static func read(_ url: URL) throws(TrustError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw TrustError(.fileAccess, "cannot read \(url.lastPathComponent)")
        }
    }

    /// Whether a file exists at `url`.
    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    /// Writes `bytes` to `url` atomically: a new file with `mode` in the same directory, flushed, then renamed
    /// over the destination. The mode is set at creation, so a private key is never readable by others, even
    /// briefly.
    static func writeAtomically(_ bytes: [UInt8], to url: URL, mode: mode_t) throws(TrustError) {
        let directory = url.deletingLastPathComponent()
        let name = url.lastPathComponent
        let suffix = Base64URL.encode(SecureRandom.bytes(6))
        let temporary = directory.appendingPathComponent(".\(name).\(suffix).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw TrustError(.fileAccess, "cannot create \(name) (errno \(errno))") }
        var failed = false
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    return
                }
                offset += n
            }
        }
        // The umask may have cleared bits of `mode` but never adds any; fchmod pins the exact mode.
        if fchmod(fd, mode) != 0 || fsync(fd) != 0 { failed = true }
        if close(fd) != 0 { failed = true }
        if failed || rename(temporary.path, url.path) != 0 {
            unlink(temporary.path)
            throw TrustError(.fileAccess, "cannot write \(name)")
        }
    }
}
