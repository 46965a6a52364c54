/// A compiled schema: the node table and the limits, immutable and shared between validations.
///
/// The fast path's keywords are also laid out flat in memory this object owns, so evaluation reads
/// them through plain pointers: no array or keyword retained per node visited, which was most of
/// the validation time (reference counting) before.
final class CompiledProgram: @unchecked Sendable {
    // @unchecked: immutable after init; the raw storage is written only here and freed in deinit.

    /// Where a node's fast keywords sit in ``fastKeywords``.
    struct FastRange {
        var start: Int
        var end: Int
    }

    let nodes: [SchemaNode]
    let resources: [SchemaResource]
    /// Whether any node has `unevaluatedItems`/`unevaluatedProperties`, so evaluation must
    /// collect evaluated-location annotations.
    let tracksAnnotations: Bool
    let maxDepth: Int
    let maxPatternInputLength: Int
    /// Whether any `$dynamicRef` can resolve dynamically, so evaluation must track the dynamic scope.
    let usesDynamicScope: Bool
    /// Every node's ``SchemaNode/fast`` keywords, one after another.
    let fastKeywords: UnsafeMutablePointer<Keyword>
    /// Per node, its range in ``fastKeywords``.
    let fastRanges: UnsafeMutablePointer<FastRange>
    private let fastCount: Int

    init(
        nodes: [SchemaNode], resources: [SchemaResource], tracksAnnotations: Bool, maxDepth: Int,
        maxPatternInputLength: Int, usesDynamicScope: Bool
    ) {
        self.nodes = nodes
        self.resources = resources
        self.tracksAnnotations = tracksAnnotations
        self.maxDepth = maxDepth
        self.maxPatternInputLength = maxPatternInputLength
        self.usesDynamicScope = usesDynamicScope
        fastCount = nodes.reduce(0) { $0 + $1.fast.count }
        fastKeywords = .allocate(capacity: max(fastCount, 1))
        fastRanges = .allocate(capacity: max(nodes.count, 1))
        var next = 0
        for (index, node) in nodes.enumerated() {
            (fastKeywords + next).initialize(from: node.fast, count: node.fast.count)
            fastRanges[index] = FastRange(start: next, end: next + node.fast.count)
            next += node.fast.count
        }
    }

    deinit {
        fastKeywords.deinitialize(count: fastCount)
        fastKeywords.deallocate()
        fastRanges.deallocate()
    }
}
