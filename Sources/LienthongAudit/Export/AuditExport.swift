import Foundation
public import LienthongJSON

/// The JSON Lines export format: one record, checkpoint or seal per line, in chain order.
///
/// ```
/// {"type":"record","seq":1,…,"prevHash":"000…","hash":"5f…"}
/// {"type":"checkpoint","seq":1,"hash":"5f…","time":"…","node":"VN/GOV/BCA","protected":"…","signature":"…"}
/// ```
///
/// An archive of several nodes' chains (a month of a PostgreSQL store) puts a `{"type":"chain","nodeId":"node-a"}`
/// line before each node's lines; ``verifyChains(path:trust:)`` checks each chain on its own.
public enum AuditExport {
    /// One line of an export.
    public enum Item: Sendable, Hashable {
        /// A record line.
        case record(AuditRecord)
        /// A checkpoint line.
        case checkpoint(AuditCheckpoint)
        /// A seal line: a break an operator sealed (``AuditSeal``).
        case seal(AuditSeal)
        /// The start of a node's chain in an archive of several: the lines up to the next one are its own.
        case chain(nodeID: String)
    }

    /// The line starting node `nodeID`'s chain in an archive of several.
    public static func chainLine(nodeID: String) -> String {
        line(["type": "chain", "nodeId": .string(nodeID)])
    }

    /// A value serialised on one line, with its newline.
    public static func line(_ value: JSONValue) -> String {
        value.serializedString() + "\n"
    }

    /// Parses one export line.
    /// - Throws: ``AuditError/Code/corrupt`` if it is not JSON, or not a record, checkpoint or seal line.
    public static func item(line: some Collection<UInt8>) throws(AuditError) -> Item {
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch {
            throw AuditError(code: .corrupt, detail: "not JSON (\(error.code.wireCode))")
        }
        switch value["type"]?.stringValue {
        case "record": return .record(try AuditRecord(json: value))
        case "checkpoint": return .checkpoint(try AuditCheckpoint(json: value))
        case "seal": return .seal(try AuditSeal(json: value))
        case "chain":
            guard let node = value["nodeId"]?.stringValue, !node.isEmpty, value.objectValue?.count == 2 else {
                throw AuditError(code: .corrupt, detail: "a chain line has no nodeId or other members")
            }
            return .chain(nodeID: node)
        default: throw AuditError(code: .corrupt, detail: "line type is not record, checkpoint, seal or chain")
        }
    }

    /// Reads the export at `path`, calling `body` with each item; stops when `body` returns `false`. Blank lines
    /// are skipped.
    /// - Throws: ``AuditError/Code/storage`` if the file cannot be read, ``AuditError/Code/corrupt`` (naming the
    ///   line number) for a bad line.
    public static func read(path: String, _ body: (Item) -> Bool) throws(AuditError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw AuditError(code: .storage, detail: "cannot read \(path)")
        }
        var number = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { continue }
            let item: Item
            do {
                item = try self.item(line: line)
            } catch {
                throw AuditError(code: .corrupt, detail: "line \(number): \(error.detail)")
            }
            if !body(item) { return }
        }
    }
}
