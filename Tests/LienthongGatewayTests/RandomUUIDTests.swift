import Foundation
@testable import LienthongGateway
import Testing

struct RandomUUIDTests {
    @Test func idsAreLowercaseVersion4UUIDsAndDiffer() throws {
        var seen: Set<String> = []
        for _ in 0..<1_000 {
            let id = RandomUUID.lowercased()
            let parsed = try #require(UUID(uuidString: id))
            #expect(parsed.uuidString.lowercased() == id)
            let bytes = Array(id.utf8)
            #expect(bytes.count == 36 && [8, 13, 18, 23].allSatisfy { bytes[$0] == UInt8(ascii: "-") })
            #expect(bytes[14] == UInt8(ascii: "4"))
            #expect("89ab".utf8.contains(bytes[19]))
            seen.insert(id)
        }
        #expect(seen.count == 1_000)
    }
}
