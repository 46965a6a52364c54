import LienthongAccess
import LienthongCore
import LienthongJSON
import Testing

struct AccessPolicyTests {
    let motcua = ExchangeID("VN/GOV/HCM/MOTCUA")!
    let thue = ExchangeID("VN/GOV/BTC/THUE")!
    let person = ExchangeID("VN/GOV/BCA/DANCU/person")!
    let land = ExchangeID("VN/GOV/BNNMT/DATDAI/land-parcel")!

    var policy: AccessPolicy {
        AccessPolicy(
            PolicyConfiguration(
                purposes: [
                    Purpose(code: "residence-verification", name: "Residence", nameVi: "Xác minh cư trú", legalBasis: "x"),
                    Purpose(code: "tax-administration", name: "Tax", nameVi: "Quản lý thuế", legalBasis: "y"),
                ],
                consumers: [],
                grants: [
                    Grant(consumer: motcua, service: person, purposes: ["residence-verification"]),
                    Grant(
                        consumer: thue, service: person, purposes: ["tax-administration"],
                        fields: ["personalId", "fullName"],
                        conditions: GrantConditions(validUntil: "2026-12-31", personalIDProvinces: ["079"])
                    ),
                ]
            )
        )
    }

    func request(
        _ consumer: ExchangeID, _ service: ExchangeID, _ purpose: String, fields: [String]? = nil,
        key: String = "079085000001", date: String = "2026-11-26"
    ) -> AccessRequest {
        AccessRequest(
            consumer: consumer, service: service, purpose: purpose, requestedFields: fields, key: key,
            keyKind: .personalID, date: date
        )
    }

    func denial(_ decision: AccessDecision) -> AccessDenial? {
        if case .deny(let denial) = decision { denial } else { nil }
    }

    @Test func grantedServiceAndPurposeAllowsAllFields() {
        #expect(policy.evaluate(request(motcua, person, "residence-verification")) == .allow(.all))
    }

    @Test func denyByDefaultNamesTheMissingPart() {
        #expect(denial(policy.evaluate(request(motcua, land, "residence-verification")))?.reason == .noGrantForService)
        #expect(denial(policy.evaluate(request(motcua, person, "tax-administration")))?.reason == .purposeNotGranted)
        #expect(denial(policy.evaluate(request(motcua, person, "marketing")))?.reason == .unknownPurpose)
        let fieldDenial = denial(policy.evaluate(request(thue, person, "tax-administration", fields: ["dateOfBirth"])))
        #expect(fieldDenial?.reason == .fieldNotGranted)
        #expect(fieldDenial?.subject == "dateOfBirth")
        #expect(fieldDenial?.problem.status == 403)
        #expect(fieldDenial?.problem.code == "access-denied")
    }

    @Test func grantedFieldsAreTheOnlyOnesSelected() {
        #expect(policy.evaluate(request(thue, person, "tax-administration")) == .allow(.only(["personalId", "fullName"])))
        #expect(policy.evaluate(request(thue, person, "tax-administration", fields: ["fullName"])) == .allow(.only(["fullName"])))
    }

    @Test func conditionsOnProvinceAndValidityHold() {
        #expect(denial(policy.evaluate(request(thue, person, "tax-administration", key: "001085000001")))?.subject
            == "personalIDProvinces")
        #expect(denial(policy.evaluate(request(thue, person, "tax-administration", date: "2027-01-01")))?.subject
            == "validUntil")
    }

    @Test func projectionKeepsOnlySelectedFields() {
        let record: JSONValue = ["personalId": "079085000001", "fullName": "Lê Văn A", "dateOfBirth": "1985-01-01"]
        #expect(FieldProjection.project(record, to: .only(["fullName"])) == ["fullName": "Lê Văn A"])
        #expect(FieldProjection.project(record, to: .all) == record)
    }
}
