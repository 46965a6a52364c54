import LienthongJSON

extension AuditRecord {
    /// The RFC 8785 bytes of ``content``, written member by member into one buffer: what ``AuditChain`` hashes for
    /// every record. The writer thread hashes each record it appends; building ``content``'s tree to sort and
    /// serialise it cost more than the rest of the record (a dictionary, its hashing, a sort, per record).
    public func canonicalContent() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(640)
        func name(_ name: StaticString) {
            output.append(output.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            output.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func text(_ member: StaticString, _ value: String?) {
            guard let value else { return }
            name(member)
            JSONValue.appendString(value, to: &output)
        }
        func integer(_ member: StaticString, _ value: Int64) {
            name(member)
            output.append(contentsOf: Self.canonicalInteger(value).utf8)
        }
        // Every member ``content`` writes, in RFC 8785 order (the names are ASCII: byte order); absent optional
        // members are left out, as ``content`` leaves them out.
        text("consumer", consumer)
        text("documentSha256", documentSHA256)
        name("fields")
        output.append(UInt8(ascii: "["))
        for (position, field) in fields.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            JSONValue.appendString(field, to: &output)
        }
        output.append(UInt8(ascii: "]"))
        integer("latencyMicroseconds", Int64(latencyMicroseconds))
        text("messageSha256", messageSHA256)
        text("nodeId", nodeID)
        text("outcome", outcome.rawValue)
        text("prevHash", prevHash)
        text("problemCode", problemCode)
        text("provider", provider)
        text("purpose", purpose)
        text("recordedAt", recordedAt)
        text("requestId", requestID)
        text("requestSha256", requestSHA256)
        integer("seq", seq)
        text("service", service)
        integer("status", Int64(status))
        text("subjectHmac", subjectHMAC)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// An integer as JCS writes the number: the ECMAScript form of its double, which is its decimal digits
    /// whenever the double holds it exactly.
    private static func canonicalInteger(_ value: Int64) -> String {
        let exact: Int64 = 1 << 53
        guard value > -exact, value < exact else {
            // Beyond 2^53 the double rounds; a finite double always has a canonical form.
            return (try? JCS.numberString(Double(value))) ?? "0"
        }
        return String(value)
    }
}
