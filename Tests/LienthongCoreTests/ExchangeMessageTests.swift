import Foundation
import LienthongCore
import LienthongJSON
import Testing

struct ExchangeMessageTests {
    static func message(payloadName: String, payload: JSONValue) throws -> ExchangeMessage {
        ExchangeMessage(
            type: "record", id: "0b6f5c2e-8a51-4b8e-9a51-0c1f6a8e7d11", requestID: "5a4c9e7b-1f0d-4f5e-8b3a-2d6c7e8f9a01",
            issuedAt: Date(timeIntervalSince1970: 1_795_000_000), provider: try #require(ExchangeID("VN/GOV/BCA/DANCU")),
            consumer: try #require(ExchangeID("VN/GOV/BTC/DKKD")), service: try #require(ExchangeID("VN/GOV/BCA/DANCU/person")),
            purpose: "enterprise-registration", schema: "person.v1", requestHash: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
            payload: (payloadName, payload))
    }

    static let record: JSONValue = try! JSONValue.parse(
        #"{"fullName":"Nguyễn Văn An","\u00e9":1,"e\u0301":2,"big":12345678901234567890,"score":4.50,"#
            + #""tags":["a","ß","😀","\u0000\"\\"],"nested":{"z":null,"a":[true,false,1e-7]}}"#)

    @Test(arguments: ["record", "document", "aaa", "zzz", "requestI", "typf"])
    func canonicalBytesAreTheCanonicalFormOfTheMessage(payloadName: String) throws {
        let message = try Self.message(payloadName: payloadName, payload: Self.record)
        let bytes = try message.canonicalBytes()
        #expect(bytes == (try JCS.canonicalize(message.json)))
        #expect(try JSONValue.parse(bytes) == message.json)
    }

    @Test func aNonFiniteNumberIsRefused() throws {
        let message = try Self.message(payloadName: "record", payload: .number(JSONNumber(Double.nan)))
        #expect(throws: JSONError.self) { try message.canonicalBytes() }
    }
}
