public import Foundation
public import LienthongJSON

/// Takes a signed envelope apart for people (`lienthong verify`): each signature's header, then chain, validity,
/// revocation, key usage, member and signature as separate checks, so one failure does not hide the others.
///
/// The per-check lines are diagnostics; the verdict is always ``EnvelopeVerifier``'s, run on the same input.
///
/// ```swift
/// let report = EnvelopeInspector.inspect(envelope, trust: verifier, at: .now)
/// for signature in report.signatures { for check in signature.checks { print(check.name, check.outcome) } }
/// ```
public enum EnvelopeInspector {
    /// Inspects `envelope` at `time`.
    public static func inspect(_ envelope: JSONValue, trust: CertificateVerifier, at time: Date) -> EnvelopeInspection {
        let verdict: Result<VerifiedEnvelope, TrustError>
        do {
            verdict = .success(try EnvelopeVerifier.verify(envelope, trust: trust, at: time))
        } catch {
            verdict = .failure(error)
        }
        let message = envelope["message"]
        let member = message.flatMap { try? EnvelopeVerifier.expectedMember(of: $0) }
        let payload = message.flatMap { try? EnvelopeSigner.canonicalPayload($0) }
        let signatures = envelope["signatures"]?.arrayValue ?? []
        return EnvelopeInspection(
            member: member, messageType: message?["type"]?.stringValue,
            signatures: signatures.enumerated().map { index, json in
                inspect(json, index: index, payload: payload, member: member, trust: trust, at: time)
            },
            verdict: verdict)
    }

    private typealias Check = SignatureInspection.Check

    private static func inspect(
        _ json: JSONValue, index: Int, payload: [UInt8]?, member: String?, trust: CertificateVerifier, at time: Date
    ) -> SignatureInspection {
        let header: JWSHeader
        let signature: JWSSignature
        let certificates: [Certificate]
        do {
            signature = try JWSSignature(json: json)
            header = try JWSHeader(protected: signature.protected)
            certificates = try header.certificateChain()
        } catch {
            let skipped = Check.Name.allCases.dropFirst().map { Check(name: $0, outcome: .skipped("header invalid")) }
            return SignatureInspection(
                index: index, algorithm: nil, keyID: nil, issuedAt: nil, signer: nil, member: nil,
                checks: [Check(name: .header, outcome: .failed(error))] + skipped)
        }
        let leaf = certificates[0]
        var checks = [Check(name: .header, outcome: .passed)]

        // Chain: path to an anchor with validity periods and CRLs left to the next two checks.
        var built = certificates
        do {
            built = try trust.validatePath(
                certificates, at: time, checkTime: false,
                revocation: CertificateVerifier.RevocationCheck.none)
            checks.append(Check(name: .chain, outcome: .passed))
        } catch {
            checks.append(Check(name: .chain, outcome: .failed(error)))
        }
        checks.append(Check(name: .validity, outcome: validity(of: built, at: time, skew: trust.clockSkew)))
        checks.append(Check(name: .revocation, outcome: revocation(certificates, trust: trust, at: time)))
        checks.append(
            Check(
                name: .keyUsage,
                outcome: leaf.allowsDigitalSignature
                    ? .passed
                    : .failed(
                        TrustError(
                            .keyUsage, "certificate \(leaf.subjectCommonName ?? "-") does not allow digitalSignature")))
        )
        let named = leaf.member
        if SignatureRole(index: index) == .countersignature {
            // A forwarding hop countersigns as itself: any member, as long as the certificate names one.
            checks.append(
                Check(
                    name: .member,
                    outcome: named != nil
                        ? .passed : .failed(TrustError(.wrongMember, "certificate subject has no single CN"))))
        } else if let member {
            checks.append(
                Check(
                    name: .member,
                    outcome: named?.hasSameCodePoints(as: member) == true
                        ? .passed
                        : .failed(TrustError(.wrongMember, "certificate names \(named ?? "-"), expected \(member)"))))
        } else {
            checks.append(Check(name: .member, outcome: .skipped("message names no member")))
        }
        checks.append(
            Check(name: .signature, outcome: signatureOutcome(signature, header: header, leaf: leaf, payload: payload)))
        return SignatureInspection(
            index: index, algorithm: header.algorithm, keyID: header.keyID, issuedAt: header.issuedAt,
            signer: leaf.subjectCommonName, member: named, checks: checks)
    }

    /// Each certificate's validity period at `time`, widened by `skew` as ``CertificateVerifier`` does.
    private static func validity(of chain: [Certificate], at time: Date, skew: TimeInterval) -> Check.Outcome {
        for certificate in chain {
            let name = certificate.subjectCommonName ?? "-"
            if time > certificate.notAfter.addingTimeInterval(skew) {
                return .failed(TrustError(.expiredCertificate, "certificate \(name) expired \(certificate.notAfter)"))
            }
            if time < certificate.notBefore.addingTimeInterval(-skew) {
                return .failed(
                    TrustError(.notYetValidCertificate, "certificate \(name) is valid from \(certificate.notBefore)"))
            }
        }
        return .passed
    }

    /// The CRL check alone: a full path validation whose revocation errors count and whose others do not.
    private static func revocation(_ chain: [Certificate], trust: CertificateVerifier, at time: Date)
        -> Check.Outcome
    {
        guard trust.revocationCheck != .none else { return .skipped("no CRL configured") }
        do {
            _ = try trust.validatePath(chain, at: time)
            return .passed
        } catch  where error.code == .revokedCertificate || error.code == .revocationUnavailable {
            return .failed(error)
        } catch {
            return .skipped("path invalid: \(error.code.wireCode)")
        }
    }

    /// The signature over the payload under the leaf's key, whether or not the chain is trusted.
    private static func signatureOutcome(
        _ signature: JWSSignature, header: JWSHeader, leaf: Certificate, payload: [UInt8]?
    ) -> Check.Outcome {
        guard let payload else { return .skipped("message cannot be canonicalised") }
        do throws(TrustError) {
            let bytes: [UInt8]
            do {
                bytes = try Base64URL.decode(signature.signature)
            } catch {
                throw TrustError(.malformedBase64, "signature is not base64url")
            }
            let key = try leaf.publicKey
            guard key.type.supports(header.algorithm) else {
                throw TrustError(.unsupportedAlgorithm, "\(header.algorithm.rawValue) does not fit a \(key.type) key")
            }
            guard bytes.count == JWSVerifier.signatureLength(of: key.type) else {
                throw TrustError(.malformedSignature, "signature is \(bytes.count) bytes")
            }
            let input = JWSSignature.signingInput(protected: signature.protected, payload: payload)
            guard key.verify(signature: bytes, data: input, algorithm: header.algorithm) else {
                throw TrustError(.badSignature, "signature does not verify")
            }
            return .passed
        } catch {
            return .failed(error)
        }
    }
}
