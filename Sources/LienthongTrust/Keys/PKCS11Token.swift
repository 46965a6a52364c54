import CLienthongShims
import COpenSSL
import Foundation

/// A PKCS#11 token that holds signing keys: they are generated in it and never leave it.
///
/// OpenSSL reaches the token through the libp11 engine (`libengine-pkcs11-openssl`); a key loaded from it is an
/// `EVP_PKEY` whose signatures the token computes, so it signs through the same path as a key from a file.
/// ```swift
/// let token = PKCS11Token(label: "lienthong", pin: try PKCS11Token.PINSource.environment("TOKEN_PIN").read())
/// try token.generateKey(object: "node-1", id: [0x01], type: .p256)
/// let key = try token.loadKey(uri: token.uri(object: "node-1", id: [0x01]))
/// ```
/// Neither the description nor any error contains the PIN.
public struct PKCS11Token: Sendable, CustomStringConvertible {
    /// Where SoftHSM2's module is on Debian.
    public static let defaultModule = "/usr/lib/softhsm/libsofthsm2.so"

    /// The PKCS#11 module (shared library) of the token.
    public let module: String
    /// The token's label.
    public let label: String
    private let pin: String

    /// A token; `pin` is the user PIN, read from a ``PINSource``.
    public init(module: String = PKCS11Token.defaultModule, label: String, pin: String) {
        self.module = module
        self.label = label
        self.pin = pin
    }

    /// `PKCS11Token(label, module)`: never the PIN.
    public var description: String { "PKCS11Token(\(label), \(module))" }

    /// The RFC 7512 URI of the private key labelled `object` (and with `CKA_ID` `id`, if given) in this token.
    public func uri(object: String, id: [UInt8] = []) -> String {
        let idAttribute = id.isEmpty ? "" : ";id=" + id.map { "%" + Hex.encode([$0]) }.joined()
        return
            "pkcs11:token=\(Self.escape(label))\(idAttribute);object=\(Self.escape(object));type=private"
    }

    /// Loads the private key at `uri` (a `pkcs11:` URI): the key stays in the token, which computes its signatures.
    /// - Throws: ``TrustError/Code/tokenFailure`` if the engine, module, token, PIN or key is missing or wrong.
    public func loadKey(uri: String) throws(TrustError) -> SigningKey {
        guard FileManager.default.fileExists(atPath: module) else {
            throw TrustError(.tokenFailure, "PKCS#11 module \(module) does not exist")
        }
        guard let loaded = lt_pkcs11_load_private_key(module, pin, uri) else {
            throw OpenSSL.error(.tokenFailure, "cannot load \(uri)")
        }
        return try SigningKey(key: EVPKey(owning: loaded))
    }

    /// Generates a key pair labelled `object` with `CKA_ID` `id` in the token, with `pkcs11-tool` (OpenSC): OpenSSL's
    /// engine cannot generate. The private key is sensitive and not extractable. The id must be unique in the token:
    /// libp11 takes a private key's public half from the public key object with the same id.
    /// - Throws: ``TrustError/Code/unsupportedAlgorithm`` for Ed25519 (libp11 cannot sign with it),
    ///   ``TrustError/Code/tokenFailure`` if the tool fails.
    public func generateKey(object: String, id: [UInt8], type: KeyType) throws(TrustError) {
        let keyType: String
        switch type {
        case .p256: keyType = "EC:prime256v1"
        case .rsa(let bits): keyType = "RSA:\(bits)"
        case .ed25519:
            throw TrustError(.unsupportedAlgorithm, "Ed25519 keys cannot be used from a PKCS#11 token")
        }
        // The PIN goes to the tool through its environment, never its command line (which `ps` shows).
        let pinVariable = "LIENTHONG_PKCS11_TOOL_PIN"
        try Self.runTool(
            [
                "--module", module, "--token-label", label, "--login", "--pin", "env:\(pinVariable)",
                "--keypairgen", "--key-type", keyType, "--label", object, "--id", Hex.encode(id),
                "--usage-sign", "--sensitive",
            ], environment: [pinVariable: pin])
    }

    /// Runs `pkcs11-tool` from `PATH`; its standard error's last line explains a failure.
    private static func runTool(_ arguments: [String], environment: [String: String])
        throws(TrustError)
    {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(
            separator: ":"
        )
        .map { "\($0)/pkcs11-tool" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            throw TrustError(.tokenFailure, "pkcs11-tool (package opensc) is not installed")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw TrustError(.tokenFailure, "cannot run pkcs11-tool")
        }
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let reason =
                String(decoding: output, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "-"
            throw TrustError(
                .tokenFailure, "pkcs11-tool failed (\(process.terminationStatus)): \(reason)")
        }
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters, which RFC 7512 allows in a path attribute.
    private static func escape(_ value: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        return value.utf8.map { byte in
            unreserved.contains(byte)
                ? String(UnicodeScalar(byte)) : "%" + Hex.encode([byte]).uppercased()
        }.joined()
    }
}
