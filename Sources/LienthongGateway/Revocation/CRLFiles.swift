import Foundation
import LienthongTrust

/// The configured CRL files, read at start (and so on reload, which builds a new one) and again whenever a
/// lookup finds them older than the refresh interval.
///
/// A file that cannot be read on a refresh keeps its previous list (with a warning line): a CA publishing a
/// half-written file must not drop a revocation the node already knows.
actor CRLFiles {
    private let files: [URL]
    private let refreshInterval: TimeInterval
    private var lists: [CertificateRevocationList?]
    private var readAt: Date

    /// Reads every file.
    /// - Throws: ``TrustError`` when a file is missing or not a PEM CRL (a configuration error at start).
    init(files: [URL], refreshInterval: TimeInterval, now: Date) throws(TrustError) {
        self.files = files
        self.refreshInterval = refreshInterval
        var lists: [CertificateRevocationList?] = []
        for file in files { lists.append(try CertificateRevocationList.load(from: file)) }
        self.lists = lists
        self.readAt = now
    }

    /// The lists, read again first when they are ``refreshInterval`` old at `now`.
    func current(at now: Date) -> [CertificateRevocationList] {
        if now.timeIntervalSince(readAt) >= refreshInterval {
            readAt = now
            for (index, file) in files.enumerated() {
                do {
                    lists[index] = try CertificateRevocationList.load(from: file)
                } catch {
                    Console.warn("lienthong: CRL \(file.lastPathComponent) not re-read, keeping the last one: \(error)")
                }
            }
        }
        return lists.compactMap { $0 }
    }
}
