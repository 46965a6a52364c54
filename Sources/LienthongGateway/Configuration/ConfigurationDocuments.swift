import Foundation
import LienthongJSON

/// The files of a configuration directory, parsed: the fixed files and each connector file `registries.json` names.
///
/// A file that is missing or not JSON is one problem here and is absent from ``values``, so the checks after
/// this one skip every rule that would need it instead of reporting its absence again.
struct ConfigurationDocuments {
    /// The fixed files of a configuration directory.
    static let fixedFiles = [
        "node.json", "members.json", "purposes.json", "consumers.json", "grants.json", "registries.json",
    ]

    /// Each readable file's JSON, by its path relative to the directory.
    private(set) var values: JSONObject = [:]
    /// The files that are missing or not JSON.
    private(set) var problems: [ConfigurationError] = []

    /// Files read from ``replacing`` instead of the directory.
    private let replacing: [String: JSONValue]

    /// Reads the directory's files; a file in `replacing` is taken from there instead (a change staged by the
    /// admin listener, checked before it is written).
    init(directory: URL, replacing: [String: JSONValue] = [:]) {
        self.replacing = replacing
        for file in Self.fixedFiles {
            let path = directory.appendingPathComponent(file).path
            guard replacing[file] != nil || FileManager.default.fileExists(atPath: path) else {
                problems.append(ConfigurationError(file: file, message: "does not exist"))
                continue
            }
            read(file, in: directory)
        }
        guard case .array(let entries)? = values["registries.json"] else { return }
        for (index, entry) in entries.enumerated() {
            guard let file = entry["connector"]?.stringValue, values[file] == nil else { continue }
            let url = directory.appendingPathComponent(file)
            guard replacing[file] != nil || FileManager.default.fileExists(atPath: url.path) else {
                // Named where it is referenced: the typo is in registries.json, not in a file that does not exist.
                let folder = (file as NSString).deletingLastPathComponent
                let names = (try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path))
                let neighbours = (names ?? []).map { folder.isEmpty ? $0 : folder + "/" + $0 }
                problems.append(
                    ConfigurationError(
                        file: "registries.json", pointer: "/\(index)/connector",
                        message: "\(file) does not exist" + NameSuggestion.hint(for: file, among: neighbours)))
                continue
            }
            read(file, in: directory)
        }
    }

    /// The file's JSON, if it was read.
    subscript(file: String) -> JSONValue? { values[file] }

    /// The elements of an array file; empty when the file is absent or not an array.
    func array(_ file: String) -> [JSONValue] { values[file]?.arrayValue ?? [] }

    private mutating func read(_ file: String, in directory: URL) {
        if let staged = replacing[file] {
            values[file] = staged
            return
        }
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(file).path) else {
            problems.append(ConfigurationError(file: file, message: "cannot be read"))
            return
        }
        let bytes = [UInt8](data)
        do {
            values[file] = try JSONValue.parse(bytes)
        } catch {
            problems.append(
                ConfigurationError(
                    file: file, position: error.offset.map { Self.position(of: $0, in: bytes) },
                    message: "is not valid JSON (\(error.code): \(error.detail))"))
        }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        let before = bytes.prefix(max(0, min(offset, bytes.count)))
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let line = before.count(where: { $0 == UInt8(ascii: "\n") }) + 1
        return (line, String(decoding: before[lineStart...], as: UTF8.self).count + 1)
    }
}
