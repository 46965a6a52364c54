public import Foundation

/// The on-disk layout of a node's signing keys, and the operations behind `lienthong keys`.
///
/// ```
/// keys/
///   VN_GOV_BCA_DANCU/            one directory per provider (its id with '/' as '_')
///     provider                   the provider id, e.g. VN/GOV/BCA/DANCU
///     current                    the name of the version in use, e.g. 20261126T100000Z
///     20261126T100000Z.key.pem   PKCS#8 private key, mode 0600
///     20261126T100000Z.crt.pem   certificate chain from the agency's CA, leaf first
///     20261126T100000Z.alg       only for RS256 keys (RSA keys sign PS256 otherwise)
///     20261201T090000Z.key.uri   a key in a PKCS#11 token: its `pkcs11:` URI, in place of `.key.pem`
///     20261201T090000Z.pub.pem   the token key's public key, so listing and importing need no token
/// ```
/// A key is generated, a CSR goes to the CA, the issued chain is imported next to its key, and `rotate` points
/// `current` at the newest key that has a valid certificate. Older keys stay on disk; ``KeyRing`` keeps their
/// certificates for verification until they expire. A gateway node signs with each provider's current key and reads
/// the directory again when it reloads; ``install(provider:key:chain:now:)`` gives a provider its first key from an
/// existing credential (a development PKI's). Directories are 0700, private keys 0600.
///
/// With a ``PKCS11Token``, ``generate(provider:algorithm:now:)`` makes the key in the token and the directory keeps
/// only references: the URI and the public key. Loading such a key for signing needs the token.
public struct KeyDirectory: Sendable {
    /// The keys directory.
    public let url: URL
    /// The token new keys are generated in and token keys are loaded from; `nil` for keys in files only.
    public let token: PKCS11Token?

    /// A key directory at `url` (created on first use), with keys in files and, given `token`, in that token.
    public init(url: URL, token: PKCS11Token? = nil) {
        self.url = url
        self.token = token
    }

    /// `$LIENTHONG_DATA_DIR/keys`, or `.lienthong/keys` relative to the working directory.
    public static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let data = environment["LIENTHONG_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? ".lienthong"
        return URL(fileURLWithPath: data).appendingPathComponent("keys")
    }

    /// The directory of `provider`'s keys.
    public func directory(of provider: String) -> URL {
        url.appendingPathComponent(DevelopmentPKI.fileName(for: provider))
    }

    /// The providers with a key directory, sorted.
    public func providers() throws(TrustError) -> [String] {
        guard FileIO.exists(url) else { return [] }
        var providers: [String] = []
        for entry in try list(url) {
            let file = url.appendingPathComponent(entry).appendingPathComponent("provider")
            guard FileIO.exists(file) else { continue }
            let id = String(decoding: try FileIO.read(file), as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines)
            if !id.isEmpty { providers.append(id) }
        }
        return providers.sorted()
    }

    /// `provider`'s key versions, oldest first.
    /// - Throws: ``TrustError/Code/fileAccess`` if the provider has no key directory.
    public func versions(of provider: String) throws(TrustError) -> [KeyVersion] {
        let directory = directory(of: provider)
        guard FileIO.exists(directory) else { throw TrustError(.fileAccess, "no keys for \(provider)") }
        let current = try currentName(of: provider)
        let names = try list(directory).compactMap { entry -> String? in
            guard !entry.hasPrefix(".") else { return nil }
            return [".key.pem", ".key.uri"].first(where: entry.hasSuffix).map { String(entry.dropLast($0.count)) }
        }
        var versions: [KeyVersion] = []
        for name in names.sorted(by: Self.precedes) {
            let tokenFile = directory.appendingPathComponent("\(name).key.uri")
            let inToken = FileIO.exists(tokenFile)
            let keyFile = inToken ? tokenFile : directory.appendingPathComponent("\(name).key.pem")
            let certificateFile = directory.appendingPathComponent("\(name).crt.pem")
            let chain = FileIO.exists(certificateFile) ? try Certificate.loadChain(from: certificateFile) : nil
            let tokenURI = inToken ? try Self.readLine(tokenFile) : nil
            let keyType: KeyType
            if let chain {
                keyType = try chain[0].publicKey.type
            } else if inToken {
                keyType = try Self.loadPublicKey(directory.appendingPathComponent("\(name).pub.pem")).type
            } else {
                keyType = try SigningKey.load(from: keyFile).type
            }
            let algorithmFile = directory.appendingPathComponent("\(name).alg")
            var algorithm = keyType.defaultAlgorithm
            if FileIO.exists(algorithmFile) {
                let text = String(decoding: try FileIO.read(algorithmFile), as: UTF8.self)
                algorithm = try JWSAlgorithm(header: text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            versions.append(
                KeyVersion(
                    provider: provider, name: name, keyFile: keyFile, certificateFile: certificateFile,
                    keyType: keyType, algorithm: algorithm, chain: chain, isCurrent: name == current,
                    tokenURI: tokenURI))
        }
        return versions
    }

    /// Generates a new key for `provider` (not yet current: it has no certificate): in ``token`` if there is one,
    /// else in a file.
    /// - Parameters:
    ///   - algorithm: ES256 (P-256, default), EdDSA (Ed25519), RS256 or PS256 (RSA 3072).
    ///   - now: the creation time, which names the version.
    /// - Returns: the new version; its key is written with mode 0600 and never printed.
    public func generate(provider: String, algorithm: JWSAlgorithm = .es256, now: Date) throws(TrustError)
        -> KeyVersion
    {
        let keyType: KeyType
        switch algorithm {
        case .es256: keyType = .p256
        case .edDSA: keyType = .ed25519
        case .rs256, .ps256: keyType = .rsa3072
        }
        if let token {
            return try generate(in: token, provider: provider, type: keyType, algorithm: algorithm, now: now)
        }
        return try add(try SigningKey.generate(keyType), provider: provider, algorithm: algorithm, now: now)
    }

    /// Adds an existing key with its issued chain (leaf first) as a new version; it becomes current if the provider
    /// has none. This is how a development PKI's or `node.json`'s signing credential enters the store on first start.
    /// - Throws: the errors of ``importCertificate(provider:chain:now:)``; ``TrustError/Code/keyMismatch`` if the
    ///   leaf does not certify `key`.
    @discardableResult
    public func install(provider: String, key: SigningKey, chain: [Certificate], now: Date) throws(TrustError)
        -> KeyVersion
    {
        try check(chain, provider: provider, now: now)
        guard try chain[0].publicKey == key.publicKey else {
            throw TrustError(
                .keyMismatch, "the key of \(provider) does not match certificate \(chain[0].serialNumberHex)")
        }
        let version = try add(key, provider: provider, algorithm: key.defaultAlgorithm, now: now)
        let pem = chain.map(\.pemString).joined()
        try FileIO.writeAtomically(Array(pem.utf8), to: version.certificateFile, mode: 0o644)
        let isCurrent = try currentName(of: provider) == nil
        if isCurrent { try setCurrent(version.name, of: provider) }
        return KeyVersion(
            provider: provider, name: version.name, keyFile: version.keyFile, certificateFile: version.certificateFile,
            keyType: version.keyType, algorithm: version.algorithm, chain: chain, isCurrent: isCurrent,
            tokenURI: version.tokenURI)
    }

    /// Writes `key` as a new version named for `now`, in a provider directory only the owner can open.
    private func add(_ key: SigningKey, provider: String, algorithm: JWSAlgorithm, now: Date) throws(TrustError)
        -> KeyVersion
    {
        let name = try newVersion(provider: provider, now: now)
        let directory = directory(of: provider)
        try writeAlgorithm(algorithm, of: name, in: directory, keyType: key.type)
        let keyFile = directory.appendingPathComponent("\(name).key.pem")
        try key.save(to: keyFile)
        return KeyVersion(
            provider: provider, name: name, keyFile: keyFile,
            certificateFile: directory.appendingPathComponent("\(name).crt.pem"), keyType: key.type,
            algorithm: algorithm, chain: nil, isCurrent: false, tokenURI: nil)
    }

    /// Creates `provider`'s directory if needed and picks the name of its next version: `now`, with a `-N` suffix
    /// if a key already has that name.
    func newVersion(provider: String, now: Date) throws(TrustError) -> String {
        let directory = directory(of: provider)
        try createPrivateDirectory(directory)
        let providerFile = directory.appendingPathComponent("provider")
        if !FileIO.exists(providerFile) {
            try FileIO.writeAtomically(Array("\(provider)\n".utf8), to: providerFile, mode: 0o644)
        }
        let base = Self.versionName(now)
        var name = base
        var suffix = 1
        while ["key.pem", "key.uri"].contains(where: {
            FileIO.exists(directory.appendingPathComponent("\(name).\($0)"))
        }) {
            name = "\(base)-\(suffix)"
            suffix += 1
        }
        return name
    }

    /// Records `algorithm` for version `name` where it is not the key type's default (RS256).
    func writeAlgorithm(_ algorithm: JWSAlgorithm, of name: String, in directory: URL, keyType: KeyType)
        throws(TrustError)
    {
        guard algorithm != keyType.defaultAlgorithm else { return }
        try FileIO.writeAtomically(
            Array("\(algorithm.rawValue)\n".utf8), to: directory.appendingPathComponent("\(name).alg"), mode: 0o644)
    }

    /// Creates the keys directory and `directory` in it with mode 0700, and tightens them if they exist: whatever
    /// the umask or an earlier tool left, no other user may list or open the keys.
    private func createPrivateDirectory(_ directory: URL) throws(TrustError) {
        for path in [url, directory] {
            do {
                try FileManager.default.createDirectory(
                    at: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw TrustError(.fileAccess, "cannot create \(path.lastPathComponent)")
            }
            guard chmod(path.path, 0o700) == 0 else {
                throw TrustError(.fileAccess, "cannot restrict \(path.lastPathComponent) (errno \(errno))")
            }
        }
    }

    /// A PKCS#10 request (subject `CN` = `provider`) for `provider`'s newest key without a certificate, or its
    /// newest key if every key has one.
    /// - Throws: ``TrustError/Code/fileAccess`` if the provider has no key.
    public func signingRequest(provider: String, organization: String? = nil) throws(TrustError)
        -> (version: KeyVersion, request: CertificateSigningRequest)
    {
        let versions = try versions(of: provider)
        guard let version = versions.last(where: { $0.chain == nil }) ?? versions.last else {
            throw TrustError(.fileAccess, "no keys for \(provider); run keys generate first")
        }
        let key = try privateKey(of: version)
        let request = try CertificateSigningRequest(
            subject: DistinguishedName(commonName: provider, organization: organization), key: key)
        return (version, request)
    }

    /// Installs an issued chain (leaf first) next to the key it certifies; the first certified key becomes current.
    /// - Throws: ``TrustError/Code/wrongMember`` if the leaf does not name `provider`,
    ///   ``TrustError/Code/keyUsage`` if it does not allow `digitalSignature`, ``TrustError/Code/chainOrder`` if the
    ///   chain is out of order, ``TrustError/Code/expiredCertificate`` if the leaf has expired at `now`,
    ///   ``TrustError/Code/keyMismatch`` if no key of the provider matches it.
    public func importCertificate(provider: String, chain: [Certificate], now: Date) throws(TrustError)
        -> KeyVersion
    {
        try check(chain, provider: provider, now: now)
        let leaf = chain[0]
        let publicKey = try leaf.publicKey
        var match: KeyVersion?
        for version in try versions(of: provider).reversed() where try self.publicKey(of: version) == publicKey {
            match = version
            break
        }
        guard let match else {
            throw TrustError(.keyMismatch, "no key of \(provider) matches certificate \(leaf.serialNumberHex)")
        }
        let pem = chain.map(\.pemString).joined()
        try FileIO.writeAtomically(Array(pem.utf8), to: match.certificateFile, mode: 0o644)
        let isCurrent = try currentName(of: provider) == nil || match.isCurrent
        if try currentName(of: provider) == nil { try setCurrent(match.name, of: provider) }
        return KeyVersion(
            provider: provider, name: match.name, keyFile: match.keyFile, certificateFile: match.certificateFile,
            keyType: match.keyType, algorithm: match.algorithm, chain: chain, isCurrent: isCurrent,
            tokenURI: match.tokenURI)
    }

    /// Makes the newest key whose certificate is valid at `now` current.
    /// - Returns: the version now current (unchanged if it already was the newest).
    /// - Throws: ``TrustError/Code/fileAccess`` if no key of the provider has a valid certificate.
    @discardableResult
    public func rotate(provider: String, now: Date) throws(TrustError) -> KeyVersion {
        let candidates = try versions(of: provider).filter { version in
            guard let leaf = version.chain?.first else { return false }
            return leaf.notBefore <= now && now < leaf.notAfter
        }
        guard let newest = candidates.last else {
            throw TrustError(.fileAccess, "no key of \(provider) has a valid certificate; import one first")
        }
        try setCurrent(newest.name, of: provider)
        return KeyVersion(
            provider: provider, name: newest.name, keyFile: newest.keyFile, certificateFile: newest.certificateFile,
            keyType: newest.keyType, algorithm: newest.algorithm, chain: newest.chain, isCurrent: true,
            tokenURI: newest.tokenURI)
    }

    /// What an imported chain must be: in order, naming `provider`, allowing `digitalSignature`, not expired.
    private func check(_ chain: [Certificate], provider: String, now: Date) throws(TrustError) {
        guard let leaf = chain.first else { throw TrustError(.malformedCertificate, "no certificate to import") }
        for index in chain.indices.dropLast() where !chain[index].isIssued(by: chain[index + 1]) {
            throw TrustError(.chainOrder, "certificate \(index + 1) is not the issuer of certificate \(index)")
        }
        guard leaf.member == provider else {
            throw TrustError(.wrongMember, "certificate names \(leaf.member ?? "-"), expected \(provider)")
        }
        guard leaf.allowsDigitalSignature else {
            throw TrustError(.keyUsage, "certificate \(provider) does not allow digitalSignature")
        }
        guard leaf.notAfter > now else { throw TrustError(.expiredCertificate, "certificate \(provider) has expired") }
    }

    /// The name in `provider`'s `current` file, if any.
    private func currentName(of provider: String) throws(TrustError) -> String? {
        let file = directory(of: provider).appendingPathComponent("current")
        guard FileIO.exists(file) else { return nil }
        let name = String(decoding: try FileIO.read(file), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        return name.isEmpty ? nil : name
    }

    private func setCurrent(_ name: String, of provider: String) throws(TrustError) {
        // Written atomically (rename), so a node reloading the ring never sees a half-written pointer.
        try FileIO.writeAtomically(
            Array("\(name)\n".utf8), to: directory(of: provider).appendingPathComponent("current"), mode: 0o644)
    }

    private func list(_ directory: URL) throws(TrustError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw TrustError(.fileAccess, "cannot list \(directory.lastPathComponent)")
        }
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    static func versionName(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }

    /// Version order: by time, then by the `-N` suffix numerically.
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        func split(_ name: String) -> (String, Int) {
            guard let dash = name.lastIndex(of: "-"), let number = Int(name[name.index(after: dash)...]) else {
                return (name, 0)
            }
            return (String(name[..<dash]), number)
        }
        let (l, r) = (split(lhs), split(rhs))
        return l.0 != r.0 ? l.0 < r.0 : l.1 < r.1
    }
}
