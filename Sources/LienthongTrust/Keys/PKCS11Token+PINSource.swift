public import Foundation

extension PKCS11Token {
    /// Where a token's user PIN comes from: a file or an environment variable, never configuration text.
    public enum PINSource: Sendable, Hashable {
        /// A file holding the PIN (a trailing newline is ignored); keep it mode 0600.
        case file(URL)
        /// An environment variable holding the PIN.
        case environment(String)

        /// The PIN.
        /// - Throws: ``TrustError/Code/tokenFailure`` if the file cannot be read, or the variable is unset or empty.
        public func read(environment: [String: String] = ProcessInfo.processInfo.environment)
            throws(TrustError)
            -> String
        {
            let pin: String
            switch self {
            case .file(let url):
                let bytes: [UInt8]
                do {
                    bytes = try FileIO.read(url)
                } catch {
                    throw TrustError(.tokenFailure, "cannot read the PIN file \(url.lastPathComponent)")
                }
                pin = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)
            case .environment(let name):
                pin = environment[name] ?? ""
            }
            guard !pin.isEmpty else {
                throw TrustError(.tokenFailure, "the token PIN (\(self)) is empty or unset")
            }
            return pin
        }
    }
}

extension PKCS11Token.PINSource: CustomStringConvertible {
    /// `file NAME` or `environment NAME`: where the PIN is, not the PIN.
    public var description: String {
        switch self {
        case .file(let url): "file \(url.lastPathComponent)"
        case .environment(let name): "environment \(name)"
        }
    }
}
