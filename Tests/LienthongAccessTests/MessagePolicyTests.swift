import LienthongAccess
import LienthongCore
import Testing

/// Who may send documents to whom: `messages` grants, deny by default.
struct MessagePolicyTests {
    let motcua = ExchangeID("VN/GOV/HCM/MOTCUA")!
    let thue = ExchangeID("VN/GOV/BTC/THUE")!
    let dkkd = ExchangeID("VN/GOV/BTC/DKKD")!

    func policy(_ grants: [MessageGrant]) -> MessagePolicy {
        let purposes = ["tax-administration", "land-administration"].map {
            Purpose(code: $0, name: $0, nameVi: $0, legalBasis: "-")
        }
        return MessagePolicy(PolicyConfiguration(purposes: purposes, consumers: [], grants: [], messageGrants: grants))
    }

    @Test func aGrantToTheSubsystemAllowsItsPurposesOnly() {
        let policy = policy([MessageGrant(consumer: motcua, recipient: thue, purposes: ["tax-administration"])])
        #expect(policy.refusal(sender: motcua, recipient: thue, purpose: "tax-administration") == nil)
        #expect(policy.refusal(sender: motcua, recipient: thue, purpose: "land-administration") == .purposeNotGranted)
        #expect(policy.refusal(sender: motcua, recipient: dkkd, purpose: "tax-administration") == .noGrantForRecipient)
        #expect(policy.refusal(sender: thue, recipient: motcua, purpose: "tax-administration") == .noGrantForRecipient)
        #expect(policy.refusal(sender: motcua, recipient: thue, purpose: "unheard-of") == .unknownPurpose)
    }

    @Test func aGrantToAMemberCoversEachOfItsSubsystems() {
        let member = ExchangeID("VN/GOV/BTC")!
        let policy = policy([MessageGrant(consumer: motcua, recipient: member, purposes: ["tax-administration"])])
        #expect(policy.refusal(sender: motcua, recipient: thue, purpose: "tax-administration") == nil)
        #expect(policy.refusal(sender: motcua, recipient: dkkd, purpose: "tax-administration") == nil)
        #expect(
            policy.refusal(sender: motcua, recipient: ExchangeID("VN/GOV/BCA/DANCU")!, purpose: "tax-administration")
                == .noGrantForRecipient)
    }

    @Test func noGrantsDenyEverything() {
        let refusal = policy([]).refusal(sender: motcua, recipient: thue, purpose: "tax-administration")
        #expect(refusal == .noGrantForRecipient)
    }
}
