/// Help text laid out for a terminal of 100 columns.
enum TextLayout {
    static let width = 100

    /// `prefix` followed by `words`, continuation lines indented under the first word.
    static func wrap(_ words: [String], after prefix: String) -> String {
        let indent = String(repeating: " ", count: min(prefix.count + 1, 32))
        var lines = [prefix]
        for word in words {
            if lines[lines.count - 1].count + 1 + word.count > width {
                lines.append(indent + word)
            } else {
                lines[lines.count - 1] += " " + word
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Two columns; a left cell too wide for the column puts its right cell on the next line.
    static func table(_ rows: [(left: String, right: String)]) -> String {
        let column = min((rows.map(\.left.count).max() ?? 0) + 4, 28)
        return rows.map { row in
            let left = "  " + row.left
            let right = paragraph(row.right, indent: column)
            guard left.count + 2 <= column else { return left + "\n" + String(repeating: " ", count: column) + right }
            return left + String(repeating: " ", count: column - left.count) + right
        }.joined(separator: "\n")
    }

    /// `text` wrapped to the width, lines after the first indented by `indent` columns.
    private static func paragraph(_ text: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var lines = [""]
        for word in text.split(separator: " ") {
            let line = lines[lines.count - 1]
            if !line.isEmpty && indent + line.count + 1 + word.count > width {
                lines.append(String(word))
            } else {
                lines[lines.count - 1] = line.isEmpty ? String(word) : line + " " + word
            }
        }
        return lines.joined(separator: "\n" + pad)
    }
}
