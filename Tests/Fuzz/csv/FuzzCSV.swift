import LienthongConnectors

/// libFuzzer entry: reads the input as a CSV registry file (RFC 4180) the way the CSV connector does, then checks
/// that a table written back with every field quoted reads as the same table.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let table = CSVTable(text: text) else { return 0 }
    _ = table.records
    // Quotes are doubled scalar by scalar: a quote followed by a combining mark is one Character, not a quote.
    let written = ([table.header] + table.rows).map { row in
        row.map { field in
            var quoted = String.UnicodeScalarView()
            quoted.append("\"")
            for scalar in field.unicodeScalars {
                if scalar == "\"" { quoted.append("\"") }
                quoted.append(scalar)
            }
            quoted.append("\"")
            return String(quoted)
        }.joined(separator: ",")
    }.joined(separator: "\n")
    guard CSVTable(text: written) == table else { fatalError("a quoted copy of the table reads differently") }
    return 0
}
