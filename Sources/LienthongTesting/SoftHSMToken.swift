public import Foundation

/// A SoftHSM2 token in a temporary directory of its own, for tests of signing keys in a PKCS#11 token.
///
/// SoftHSM2 finds its tokens through the configuration file `SOFTHSM2_CONF` names, read once per process when the
/// module initialises: a child process gets ``environment``; the test process itself uses ``shared``.
public struct SoftHSMToken: Sendable {
    /// SoftHSM2's PKCS#11 module on Debian.
    public static let module = "/usr/lib/softhsm/libsofthsm2.so"
    /// Whether SoftHSM2, the libp11 engine and `pkcs11-tool` are installed (`scripts/test` installs them).
    public static let installed =
        ["/usr/bin/softhsm2-util", "/usr/bin/pkcs11-tool"].allSatisfy(
            FileManager.default.isExecutableFile)
        && FileManager.default.fileExists(atPath: module)
        && ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu"].contains {
            FileManager.default.fileExists(atPath: "\($0)/engines-3/pkcs11.so")
        }
    /// Whether the tests run in CI (`CI` set), where a missing token fails rather than skips.
    public static let inCI =
        ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" } ?? false
    /// Why token tests skip outside CI.
    public static let missing =
        "SoftHSM2 is missing: scripts/test installs softhsm2, libengine-pkcs11-openssl, opensc"

    /// The directory holding the configuration file and the token directory.
    public let directory: URL
    /// The token's label.
    public let label: String
    /// The user PIN (a test value).
    public let pin: String

    /// `SOFTHSM2_CONF` for a process that uses this token.
    public var environment: [String: String] {
        ["SOFTHSM2_CONF": directory.appendingPathComponent("softhsm2.conf").path]
    }

    /// Initialises a token labelled `label` in a new temporary directory.
    public static func create(label: String = "lienthong-test", pin: String = "48151623") throws
        -> SoftHSMToken
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "softhsm-\(UUID().uuidString)")
        let tokens = directory.appendingPathComponent("tokens")
        try FileManager.default.createDirectory(at: tokens, withIntermediateDirectories: true)
        let configuration =
            "directories.tokendir = \(tokens.path)\nobjectstore.backend = file\nlog.level = ERROR\n"
        try Data(configuration.utf8).write(to: directory.appendingPathComponent("softhsm2.conf"))
        let token = SoftHSMToken(directory: directory, label: label, pin: pin)
        let initialised = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/softhsm2-util"),
            ["--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", "so-\(pin)"],
            environment: token.environment)
        guard initialised.status == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: initialised.stderr])
        }
        return token
    }

    /// The test process's token: created once, with `SOFTHSM2_CONF` set for the whole process before any test loads
    /// the module.
    public static let shared: Result<SoftHSMToken, any Error> = Result {
        let token = try create()
        setenv("SOFTHSM2_CONF", token.environment["SOFTHSM2_CONF"]!, 1)
        return token
    }

    /// `pkcs11-tool --list-objects` after logging in: each object with its attributes (`Access: sensitive, ...`).
    public func listObjects() throws -> String {
        let pinVariable = "LIENTHONG_TEST_TOKEN_PIN"
        let listed = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/pkcs11-tool"),
            [
                "--module", Self.module, "--token-label", label, "--login", "--pin", "env:\(pinVariable)",
                "--list-objects",
            ],
            environment: environment.merging([pinVariable: pin]) { $1 })
        return listed.stdout + listed.stderr
    }
}
