import Foundation
import LienthongCore
import Testing

struct PersonalIDTests {
    @Test func acceptsTwelveDigitsAndDecodesSexAndBirthYear() throws {
        let male1985 = try PersonalID("001085012345")
        #expect(male1985.provinceCode == "001")
        #expect(male1985.sex == .male)
        #expect(male1985.birthYear == 1985)
        let female2003 = try PersonalID("079303000001")
        #expect(female2003.sex == .female)
        #expect(female2003.birthYear == 2003)
        #expect(female2003.agrees(sex: .female, birthYear: 2003))
        #expect(!female2003.agrees(sex: .male, birthYear: 2003))
        #expect(!female2003.agrees(sex: .female, birthYear: 1903))
    }

    @Test(arguments: [
        ("00108501234", "personal-id.length"),
        ("0010850123456", "personal-id.length"),
        ("00108501234A", "personal-id.digits"),
        ("００１０８５０１２３４", "personal-id.length"),
        ("001485012345", "personal-id.sex-century"),
    ])
    func rejectsMalformedKeysNamingTheRule(key: String, rule: String) {
        #expect(throws: IdentifierError.self) { try PersonalID(key) }
        do {
            _ = try PersonalID(key)
        } catch {
            #expect(error.rule == rule)
            #expect(error.problem.status == 400)
            #expect(error.problem.code == "invalid-identifier")
            #expect(!error.problem.detail.contains(key))
        }
    }

    @Test func digitsForSexAndYearRoundTrip() throws {
        for (sex, year) in [(PersonalID.Sex.male, 1999), (.female, 1950), (.male, 2001), (.female, 2024)] {
            let digits = try #require(PersonalID.sexCenturyYearDigits(sex: sex, birthYear: year))
            let id = try PersonalID("038" + digits + "123456")
            #expect(id.sex == sex)
            #expect(id.birthYear == year)
        }
        #expect(PersonalID.sexCenturyYearDigits(sex: .male, birthYear: 1899) == nil)
    }
}

struct EnterpriseCodeTests {
    @Test func acceptsTaxCodesAndBranches() throws {
        #expect(try EnterpriseCode("0101234567").isBranch == false)
        let branch = try EnterpriseCode("0101234567-001")
        #expect(branch.isBranch)
        #expect(branch.taxCode == "0101234567")
    }

    @Test(arguments: [
        ("010123456", "enterprise-code.format"),
        ("01012345678", "enterprise-code.format"),
        ("0101234567-01", "enterprise-code.branch-suffix"),
        ("0101234567-0001", "enterprise-code.branch-suffix"),
        ("0101234567-00A", "enterprise-code.branch-suffix"),
        ("0101234567-000", "enterprise-code.branch-suffix"),
        ("0101234567-", "enterprise-code.branch-suffix"),
    ])
    func rejectsBadCodes(code: String, rule: String) {
        #expect(performing: { try EnterpriseCode(code) }, throws: { ($0 as? IdentifierError)?.rule == rule })
    }
}

struct RegistryKeyKindTests {
    @Test func landParcelKeysAreNormalised() throws {
        let key = try LandParcelKey("00004-12-345")
        #expect(key.communeCode == "00004")
        #expect(key.mapSheet == 12)
        #expect(key.parcelNumber == 345)
        #expect(try RegistryKeyKind.landParcel.validate("00004-12-345") == "00004-12-345")
    }

    @Test(arguments: ["0004-12-345", "00004-012-345", "00004-12", "00004-0-1", "00004-12-34a", "../etc"])
    func landParcelRulesReject(key: String) {
        #expect(throws: IdentifierError.self) { try RegistryKeyKind.landParcel.validate(key) }
    }

    @Test(arguments: ["", "..", ".", "a/b", "a%2e", "x\u{0}", String(repeating: "a", count: 129)])
    func opaqueKeysRejectTraversalAndEncodings(key: String) {
        #expect(throws: IdentifierError.self) { try RegistryKeyKind.opaque.validate(key) }
    }

    @Test func socialInsuranceNumbersHaveTenDigits() throws {
        #expect(try SocialInsuranceNumber("0123456789").value == "0123456789")
        #expect(throws: IdentifierError.self) { try SocialInsuranceNumber("012345678") }
    }
}

struct ExchangeIDTests {
    @Test func parsesMemberSubsystemAndService() throws {
        let service = try #require(ExchangeID("VN/GOV/BCA/DANCU/person"))
        #expect(service.member.description == "VN/GOV/BCA")
        #expect(service.subsystem?.description == "VN/GOV/BCA/DANCU")
        #expect(ExchangeID("VN/XYZ/BCA") == nil)
        #expect(ExchangeID("VN/GOV") == nil)
        #expect(ExchangeID("VN/GOV/BCA/../x") == nil)
        #expect(ExchangeID("VN/GOV//DANCU") == nil)
    }

    @Test func derivedAndParsedIdsAreEqualHashAlikeAndEncodeAsText() throws {
        let subsystem = try #require(ExchangeID("VN/GOV/BCA/DANCU/person")?.subsystem)
        let parsed = try #require(ExchangeID("VN/GOV/BCA/DANCU"))
        #expect(subsystem == parsed && Set([subsystem]).contains(parsed))
        #expect(subsystem != ExchangeID("VN/GOV/BCA/DANCUX"))
        let encoded = try JSONEncoder().encode([parsed])
        #expect(try JSONDecoder().decode([String].self, from: encoded) == ["VN/GOV/BCA/DANCU"])
        #expect(try JSONDecoder().decode([ExchangeID].self, from: encoded) == [subsystem])
    }
}
