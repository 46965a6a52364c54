/// A CSV file (RFC 4180): a header row and data rows of the same width.
///
/// Fields may be quoted with `"` (a quote inside is doubled); line ends are `\n` or `\r\n`.
public struct CSVTable: Sendable, Equatable {
    /// The column names of the header row.
    public let header: [String]
    /// The data rows, each as wide as the header.
    public let rows: [[String]]

    /// Parses CSV text; `nil` if a quote is unterminated, a row's width differs from the header's or two columns
    /// share a name (which of them a mapping reads would be a guess).
    public init?(text: String) {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        func endRecord() {
            record.append(field)
            records.append(record)
            record = []
            field = ""
            fieldWasQuoted = false
        }
        while let scalar = pending {
            pending = iterator.next()
            if inQuotes {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = iterator.next()
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty && !fieldWasQuoted:
                inQuotes = true
                fieldWasQuoted = true
            case ",":
                record.append(field)
                field = ""
                fieldWasQuoted = false
            case "\r" where pending == "\n":
                continue
            case "\n":
                endRecord()
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { return nil }
        if !field.isEmpty || !record.isEmpty || fieldWasQuoted { endRecord() }
        guard let header = records.first, Set(header).count == header.count else { return nil }
        let rows = Array(records.dropFirst())
        guard rows.allSatisfy({ $0.count == header.count }) else { return nil }
        self.header = header
        self.rows = rows
    }

    /// The rows as dictionaries from column name to field.
    public var records: [[String: String]] {
        rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}
