/// A horizontal bar chart drawn as inline SVG (no script, no external file): one row per label, one bar per series,
/// stacked (parts of a whole, as allowed/denied/failed) or grouped (alternatives, as percentiles).
struct SVGBarChart {
    /// One series: its name in the legend and its fill colour (a CSS colour literal of ours, never input).
    struct Series {
        var name: String
        var color: String
    }

    var title: String
    var series: [Series]
    var rows: [(label: String, values: [Double])]
    var stacked: Bool
    /// How a value is written in its tooltip, e.g. `12` or `3.4 ms`.
    var format: (Double) -> String = { String(Int($0)) }

    static let width = 640.0
    static let labelWidth = 230.0
    static let barHeight = 16.0

    /// The `<svg>` element; empty rows give an empty string.
    var svg: String {
        guard !rows.isEmpty else { return "" }
        let plot = Self.width - Self.labelWidth - 10
        let perRow = stacked ? Self.barHeight + 8 : Self.barHeight * Double(series.count) + 8
        let legendHeight = 24.0
        let height = legendHeight + perRow * Double(rows.count)
        let largest = rows.map { stacked ? $0.values.reduce(0, +) : ($0.values.max() ?? 0) }.max() ?? 0
        let scale = largest > 0 ? plot / largest : 0
        var out = #"<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="\#(Int(Self.width))" "#
            + #"height="\#(Int(height))" viewBox="0 0 \#(Int(Self.width)) \#(Int(height))" "#
            + #"aria-label="\#(HTML.escape(title))">"#
        out += "<title>\(HTML.escape(title))</title>"
        var x = Self.labelWidth
        for entry in series {
            out += #"<rect x="\#(Int(x))" y="4" width="12" height="12" fill="\#(entry.color)"/>"#
            out += #"<text x="\#(Int(x) + 16)" y="14" font-size="12">\#(HTML.escape(entry.name))</text>"#
            x += 24 + Double(entry.name.count) * 7
        }
        for (index, row) in rows.enumerated() {
            let top = legendHeight + perRow * Double(index)
            out += #"<text x="0" y="\#(Int(top + 13))" font-size="12">\#(HTML.escape(Self.clipped(row.label)))</text>"#
            var left = Self.labelWidth
            for (number, value) in row.values.enumerated() where number < series.count {
                let width = value * scale
                let y = stacked ? top : top + Self.barHeight * Double(number)
                let tip = "\(row.label) · \(series[number].name): \(format(value))"
                out += #"<rect x="\#(Self.number(left))" y="\#(Self.number(y))" width="\#(Self.number(width))" "#
                    + #"height="\#(Int(Self.barHeight - 2))" fill="\#(series[number].color)">"#
                    + "<title>\(HTML.escape(tip))</title></rect>"
                if stacked { left += width }
            }
        }
        return out + "</svg>"
    }

    /// Long labels (a consumer's full identifier) are cut to fit the label column; the table beside has them whole.
    static func clipped(_ label: String) -> String {
        label.count <= 32 ? label : String(label.prefix(31)) + "…"
    }

    private static func number(_ value: Double) -> String {
        String((value * 10).rounded() / 10)
    }
}
