/// Writes the Prometheus text exposition format 0.0.4: one `# HELP` and `# TYPE` per family, then its samples.
struct PrometheusText {
    /// The text so far.
    private(set) var text = ""

    /// Starts a family.
    mutating func family(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    /// One sample without labels.
    mutating func sample(_ name: String, _ value: Double) { sample(name, [], value) }

    /// One sample of a count without labels.
    mutating func sample(_ name: String, _ value: Int) { sample(name, [], value) }

    /// One sample.
    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name + Self.labels(labels) + " " + Self.number(value) + "\n"
    }

    /// One sample of a count.
    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Int) {
        text += name + Self.labels(labels) + " \(value)\n"
    }

    /// The `_bucket`, `_sum` and `_count` samples of a histogram; `counts` per bucket (not cumulative), the last
    /// one above every bound.
    mutating func histogram(
        _ name: String, _ labels: [(String, String)] = [], bounds: [Double], counts: [Int], sum: Double
    ) {
        var cumulative = 0
        for (bound, count) in zip(bounds, counts) {
            cumulative += count
            sample(name + "_bucket", labels + [("le", Self.number(bound))], cumulative)
        }
        let total = counts.reduce(0, +)
        sample(name + "_bucket", labels + [("le", "+Inf")], total)
        sample(name + "_sum", labels, sum)
        sample(name + "_count", labels, total)
    }

    private static func labels(_ labels: [(String, String)]) -> String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
    }

    /// A label value with `\`, `"` and line feeds escaped, as the format requires.
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// A number as the format writes it (integers without a fraction).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
