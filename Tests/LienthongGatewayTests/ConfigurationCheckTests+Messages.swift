import Foundation
import LienthongGateway
import LienthongJSON
import Testing

/// `config check` of documents between agencies: the `messages` grants of grants.json and node.json `messages`.
extension ConfigurationCheckTests {
    @Test func messagesGrantToARecipientWithoutInboxHereIsAnError() async throws {
        let problems = try await Self.problems { directory in
            try Self.replace(
                #""recipient": "VN/GOV/BTC/THUE""#, #""recipient": "VN/GOV/BTC/THEU""#, in: "grants.json",
                of: directory)
        }
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("grants.json#/7/recipient: unknown recipient VN/GOV/BTC/THEU") == true)
        #expect(problems.first?.contains("VN/GOV/BTC/THUE") == true, "the hint names the close consumer")
    }

    @Test func messagesGrantToAMemberOfALocalConsumerIsValid() async throws {
        let problems = try await Self.problems { directory in
            try Self.replace(
                #""recipient": "VN/GOV/BTC/THUE""#, #""recipient": "VN/GOV/BTC""#, in: "grants.json", of: directory)
        }
        #expect(problems == [])
    }

    @Test func messagesGrantNeedsARecipientAndKnownPurposes() async throws {
        let missing = try await Self.problems { directory in
            try Self.replace(#""recipient": "VN/GOV/BTC/THUE","#, "", in: "grants.json", of: directory)
        }
        #expect(missing.contains { $0.hasPrefix("grants.json#/7") && $0.contains("recipient") }, "\(missing)")
        let purpose = try await Self.problems { directory in
            try Self.replace(
                #""purposes": ["tax-administration", "enterprise-registration"]"#,
                #""purposes": ["tax-adminstration"]"#, in: "grants.json", of: directory)
        }
        #expect(purpose.count == 1)
        #expect(purpose.first?.hasPrefix("grants.json#/7/purposes/0: unknown purpose tax-adminstration") == true)
    }

    @Test func receiptIssuerMustBeAProviderOfThisNode() async throws {
        let problems = try await Self.problems {
            try Self.editNode($0) { $0["messages"] = ["receiptIssuer": "VN/GOV/BTC/THUE"] }
        }
        #expect(problems.count == 1)
        let expected = "node.json#/messages/receiptIssuer: VN/GOV/BTC/THUE is not a provider"
        #expect(problems.first?.hasPrefix(expected) == true, "\(problems)")
        let fine = try await Self.problems {
            try Self.editNode($0) { $0["messages"] = ["receiptIssuer": "VN/GOV/BTC/DKKD", "maxAttachmentBytes": 10] }
        }
        #expect(fine == [])
    }

    @Test func aMessageBodyLimitMustHoldTheLargestAttachment() async throws {
        let problems = try await Self.problems {
            try Self.editNode($0) { $0["messages"] = ["maxAttachmentBytes": 4096, "maxMessageBytes": 4096] }
        }
        #expect(problems.count == 1)
        let expected = "node.json#/messages/maxMessageBytes: 4096 is not above"
        #expect(problems.first?.hasPrefix(expected) == true, "\(problems)")
        let fine = try await Self.problems {
            try Self.editNode($0) { $0["messages"] = ["maxAttachmentBytes": 4096, "maxMessageBytes": 70_000] }
        }
        #expect(fine == [])
    }
}
