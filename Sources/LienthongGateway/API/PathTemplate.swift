/// A set of path templates (``Route``, ``AdminRoute``): a `{name}` segment matches any one path segment.
protocol PathTemplate: RawRepresentable<String>, CaseIterable, Hashable, Sendable {}

extension PathTemplate {
    /// The template's segments.
    var segments: [Substring] { rawValue.split(separator: "/") }

    /// The template of a decoded path, with the values of its `{name}` segments in template order; `nil` for none.
    ///
    /// No two templates of a set match the same path, so the order of the cases does not matter.
    static func match(_ path: [String]) -> (route: Self, parameters: [String])? {
        for route in allCases {
            let template = route.segments
            guard template.count == path.count else { continue }
            var parameters: [String] = []
            var matches = true
            for (expected, actual) in zip(template, path) {
                if expected.hasPrefix("{") {
                    parameters.append(actual)
                } else if expected != actual {
                    matches = false
                    break
                }
            }
            if matches { return (route, parameters) }
        }
        return nil
    }
}
