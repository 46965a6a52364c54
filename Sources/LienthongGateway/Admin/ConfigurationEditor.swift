import Foundation
import LienthongCore
import LienthongJSON
import Synchronization

/// Changes the configuration files for operators, so that the files stay the source of truth.
///
/// One change at a time: it reads each file it changes as it is on disk now (a hand edit made before is kept),
/// checks the whole directory with the changed files in place exactly as `config check` does
/// (``GatewayConfiguration/resolve(configDirectory:dataDirectory:listen:schemas:replacing:)``, with the staged files
/// given in memory so that every relative path resolves as it will), writes each file atomically (a temporary
/// file renamed over it) only if it has not changed on disk meanwhile, and applies it by a reload. A reload that
/// still refuses (a connector that cannot open) puts the previous files back.
final class ConfigurationEditor: Sendable {
    /// Held for a whole change: two operators' changes never interleave.
    private let lock = Mutex(0)

    init() {}

    /// The files of one change: what was read, and what is to be written.
    struct Files {
        let directory: URL
        fileprivate(set) var read: [String: Data] = [:]
        var written: [String: JSONValue] = [:]

        /// The file's JSON as it is on disk now (or as this change has it already).
        mutating func json(_ file: String) throws(Problem) -> JSONValue {
            if let staged = written[file] { return staged }
            let url = directory.appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                if FileManager.default.fileExists(atPath: url.path) { throw AdminProblems.writeFailed(file) }
                read[file] = Data()
                return .null
            }
            read[file] = data
            do {
                return try JSONValue.parse(Array(data))
            } catch {
                throw AdminProblems.invalidChange(["\(file): is not valid JSON on disk (fix it by hand first)"])
            }
        }
    }

    /// Applies `change` to the files of `running`'s configuration directory, checks, writes and reloads.
    /// - Returns: the files written.
    func apply(
        running: GatewayConfiguration, reload: () -> ReloadOutcome, _ change: (inout Files) throws(Problem) -> Void
    ) throws(Problem) -> [String] {
        try lock.withLock { _ throws(Problem) -> [String] in
            var files = Files(directory: running.configDirectory)
            try change(&files)
            let staged = files.written
            let checked = GatewayConfiguration.resolve(
                configDirectory: running.configDirectory, dataDirectory: running.dataDirectory,
                listen: running.listen, replacing: staged)
            if case .failure(let invalid) = checked {
                throw AdminProblems.invalidChange(invalid.problems.map(\.description))
            }
            for file in staged.keys.sorted() {
                let current = FileManager.default.contents(atPath: files.directory.appendingPathComponent(file).path)
                if (current ?? Data()) != files.read[file] { throw AdminProblems.fileChanged(file) }
            }
            var previous: [String: Data] = [:]
            for (file, value) in staged.sorted(by: { $0.key < $1.key }) {
                do {
                    try Self.write(Data(value.serializedBytes(pretty: true) + [0x0A]), file, in: files.directory)
                    previous[file] = files.read[file]
                } catch {
                    restore(previous, in: files.directory)
                    throw AdminProblems.writeFailed(file)
                }
            }
            if case .refused(let problems) = reload() {
                restore(previous, in: files.directory)
                throw AdminProblems.invalidChange(problems)
            }
            return staged.keys.sorted()
        }
    }

    /// Puts back the bytes each file had (removing a file this change created).
    private func restore(_ previous: [String: Data], in directory: URL) {
        for (file, data) in previous {
            if data.isEmpty {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(file))
            } else {
                try? Self.write(data, file, in: directory)
            }
        }
    }

    /// Writes a temporary file beside the target, flushes it and renames it over the target (the federation's last
    /// good global configuration is kept the same way).
    static func write(_ data: Data, _ file: String, in directory: URL) throws {
        let target = directory.appendingPathComponent(file)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data) else {
            throw CocoaError(.fileWriteUnknown)
        }
        let descriptor = open(temporary.path, O_RDONLY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
        guard rename(temporary.path, target.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown)
        }
    }
}
