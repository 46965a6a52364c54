public import LienthongJSON

extension AuditRecord {
    private static let members: Set<String> = [
        "seq", "recordedAt", "requestId", "consumer", "provider", "service", "purpose", "subjectHmac", "fields",
        "outcome", "status", "problemCode", "latencyMicroseconds", "messageSha256", "requestSha256",
        "documentSha256", "prevHash", "hash", "nodeId",
    ]

    /// Reads a record written by ``json`` (an export line may also carry `"type": "record"`).
    ///
    /// Strict: an unknown member is an error, since the hash covers exactly the members ``content`` writes.
    /// - Throws: ``AuditError/Code/corrupt`` if a member is missing, has the wrong type or is unknown.
    public init(json: JSONValue) throws(AuditError) {
        guard var object = json.objectValue else { throw AuditError(code: .corrupt, detail: "a record is not an object") }
        if let type = object.removeValue(forKey: "type"), type != .string("record") {
            throw AuditError(code: .corrupt, detail: "not a record line")
        }
        func text(_ name: String) throws(AuditError) -> String? {
            guard let value = object[name] else { return nil }
            guard let string = value.stringValue else {
                throw AuditError(code: .corrupt, detail: "record member \(name) is not a string")
            }
            return string
        }
        func required(_ name: String) throws(AuditError) -> String {
            guard let value = try text(name) else { throw AuditError(code: .corrupt, detail: "record lacks \(name)") }
            return value
        }
        func integer(_ name: String) throws(AuditError) -> Int {
            guard let value = object[name]?.numberValue?.int else {
                throw AuditError(code: .corrupt, detail: "record member \(name) is not an integer")
            }
            return value
        }
        if let unknown = object.keys.first(where: { !Self.members.contains($0) }) {
            throw AuditError(code: .corrupt, detail: "record has unknown member \(unknown.prefix(40))")
        }
        guard let fieldValues = object["fields"]?.arrayValue else {
            throw AuditError(code: .corrupt, detail: "record member fields is not an array")
        }
        var fields: [String] = []
        for value in fieldValues {
            guard let field = value.stringValue else {
                throw AuditError(code: .corrupt, detail: "record member fields holds a non-string")
            }
            fields.append(field)
        }
        guard let outcome = AuditEvent.Outcome(rawValue: try required("outcome")) else {
            throw AuditError(code: .corrupt, detail: "record outcome is unknown")
        }
        self.init(
            seq: Int64(try integer("seq")), recordedAt: try required("recordedAt"), requestID: try required("requestId"),
            consumer: try text("consumer"), provider: try text("provider"), service: try text("service"),
            purpose: try text("purpose"), subjectHMAC: try text("subjectHmac"), fields: fields, outcome: outcome,
            status: try integer("status"), problemCode: try text("problemCode"),
            latencyMicroseconds: try integer("latencyMicroseconds"), messageSHA256: try text("messageSha256"),
            requestSHA256: try text("requestSha256"), documentSHA256: try text("documentSha256"),
            prevHash: try required("prevHash"), hash: try required("hash"), nodeID: try text("nodeId")
        )
    }

    /// The export line: ``json`` with `"type": "record"`.
    public var exportLine: JSONValue {
        guard case .object(var object) = json else { return json }
        object["type"] = .string("record")
        return .object(object)
    }
}
