/// The templates of a ``PathTemplate`` set, parsed once and grouped by segment count: every request is matched
/// against them, and splitting every template's text again for each request cost two per cent of a lookup's CPU.
struct PathTemplates<Template: PathTemplate>: Sendable {
    /// One segment of a template.
    enum Segment: Sendable, Equatable {
        /// Matches exactly this text.
        case literal(String)
        /// A `{name}` segment: matches any one segment, whose value becomes a parameter.
        case parameter
    }

    private let bySegmentCount: [Int: [(template: Template, segments: [Segment])]]

    /// Parses every case of the set.
    init() {
        var groups: [Int: [(template: Template, segments: [Segment])]] = [:]
        for template in Template.allCases {
            let segments = template.segments.map { text -> Segment in
                text.hasPrefix("{") ? .parameter : .literal(String(text))
            }
            groups[segments.count, default: []].append((template, segments))
        }
        bySegmentCount = groups
    }

    /// The template of a decoded path, with the values of its `{name}` segments in template order; `nil` for none.
    func match(_ path: [String]) -> (route: Template, parameters: [String])? {
        for (template, segments) in bySegmentCount[path.count] ?? [] {
            var parameters: [String] = []
            var matches = true
            for (expected, actual) in zip(segments, path) {
                switch expected {
                case .parameter: parameters.append(actual)
                case .literal(let text) where text == actual: continue
                case .literal: matches = false
                }
                if !matches { break }
            }
            if matches { return (template, parameters) }
        }
        return nil
    }
}
