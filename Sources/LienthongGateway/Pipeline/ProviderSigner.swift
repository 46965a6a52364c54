import LienthongTrust

/// The key and certificate chain a provider subsystem signs its envelopes with.
struct ProviderSigner: Sendable {
    var key: SigningKey
    var chain: [Certificate]
}
