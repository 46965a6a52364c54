import Foundation
import LienthongHTTP
import LienthongJSON
import LienthongTesting

/// Paths and helpers shared by the connector tests.
enum TestSupport {
    /// One HTTP client for every test, as the gateway shares one.
    static let httpClient = HTTPClient()

    /// A path inside the repository, e.g. `path("seeds")`.
    static func path(_ relative: String) -> String { Repository.root.appendingPathComponent(relative).path }

    /// A fresh empty directory under the system temporary directory.
    static func temporaryDirectory(_ name: String = #function) throws -> String {
        let path = (NSTemporaryDirectory() as NSString)
            .appendingPathComponent("lienthong-\(name.filter(\.isLetter))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func readJSON(_ path: String) throws -> JSONValue {
        try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    static func readText(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// The `lienthong-seeds` executable built beside the test bundle.
    static func seedsExecutable() -> String? {
        let url = Repository.executable("lienthong-seeds")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url.path : nil
    }
}
