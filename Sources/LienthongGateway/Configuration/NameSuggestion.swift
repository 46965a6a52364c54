import LienthongCore

/// "Did you mean …?" for a name that is not one of the known names: the known name closest by edit distance.
enum NameSuggestion {
    /// ` (did you mean X?)` when one known name is within a third of `name`'s length (at least 1, at most 3 edits);
    /// empty otherwise, so it can be appended to any message.
    static func hint(for name: String, among known: some Sequence<String>) -> String {
        let limit = min(3, max(1, name.count / 3))
        var best: (name: String, distance: Int)?
        for candidate in Set(known) where candidate != name {
            let distance = EditDistance.between(name, candidate)
            guard distance <= limit else { continue }
            // Ties go to the first name in order, so the hint does not depend on the order of `known`.
            if let current = best, (current.distance, current.name) <= (distance, candidate) { continue }
            best = (candidate, distance)
        }
        return best.map { " (did you mean \($0.name)?)" } ?? ""
    }
}
