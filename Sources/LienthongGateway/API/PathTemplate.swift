/// A set of path templates (``Route``, ``AdminRoute``): a `{name}` segment matches any one path segment.
protocol PathTemplate: RawRepresentable<String>, CaseIterable, Hashable, Sendable {
    /// Every case's template, parsed once (each conforming set keeps `static let templates = PathTemplates()`).
    static var templates: PathTemplates<Self> { get }
}

extension PathTemplate {
    /// The template's segments.
    var segments: [Substring] { rawValue.split(separator: "/") }

    /// The template of a decoded path, with the values of its `{name}` segments in template order; `nil` for none.
    ///
    /// No two templates of a set match the same path, so the order of the cases does not matter.
    static func match(_ path: [String]) -> (route: Self, parameters: [String])? {
        templates.match(path)
    }
}
