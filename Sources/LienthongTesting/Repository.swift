public import Foundation

/// Where the tests find the repository and the products `swift build` made.
public enum Repository {
    /// The package root (this file is `Sources/LienthongTesting/Repository.swift`).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// `../shared`, beside the repository: the conformance suites nobody here wrote.
    public static var shared: URL { root.deletingLastPathComponent().appendingPathComponent("shared") }

    /// A built executable: `$LIENTHONG_BIN` for `lienthong` when set, else the one beside the test bundle.
    public static func executable(_ name: String) -> URL {
        if name == "lienthong", let path = ProcessInfo.processInfo.environment["LIENTHONG_BIN"] {
            return URL(fileURLWithPath: path)
        }
        // The test runner is `<bin>/LienthongPackageTests.xctest` (a bundle directory or an executable).
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var url = runner
        while url.path != "/" && url.pathExtension != "xctest" { url.deleteLastPathComponent() }
        let directory = url.path == "/" ? runner.deletingLastPathComponent() : url.deletingLastPathComponent()
        return directory.appendingPathComponent(name)
    }
}
