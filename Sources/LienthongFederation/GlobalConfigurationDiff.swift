/// What changed between two versions of the global configuration, by id: what a node logs when it takes a new one.
public struct GlobalConfigurationDiff: Sendable, Hashable {
    /// Ids added, removed and changed in one list.
    public struct Changes: Sendable, Hashable {
        /// Ids in the new version only.
        public var added: [String] = []
        /// Ids in the old version only.
        public var removed: [String] = []
        /// Ids in both, with other content.
        public var changed: [String] = []

        /// No id added, removed or changed.
        public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

        /// The changes between two lists keyed by id, each sorted.
        init<Item: Equatable>(old: [String: Item], new: [String: Item]) {
            added = new.keys.filter { old[$0] == nil }.sorted()
            removed = old.keys.filter { new[$0] == nil }.sorted()
            changed = new.keys.filter { key in old[key].map { $0 != new[key] } ?? false }.sorted()
        }
    }

    /// The version before, if there was one.
    public var fromVersion: Int?
    /// The new version.
    public var toVersion: Int
    /// Members (name, class or subsystems changed).
    public var members: Changes
    /// Services, across all members.
    public var services: Changes
    /// Nodes (address, fingerprints or members served changed).
    public var nodes: Changes
    /// Purposes of the catalogue.
    public var purposes: Changes
    /// Whether the trust anchors differ.
    public var trustAnchorsChanged: Bool
    /// Whether the CRLs differ.
    public var crlsChanged: Bool

    /// The changes from `old` (none: everything is added) to `new`.
    public init(from old: GlobalConfiguration?, to new: GlobalConfiguration) {
        fromVersion = old?.version
        toVersion = new.version
        func byID<Item>(_ items: [Item]?, _ id: (Item) -> String) -> [String: Item] {
            Dictionary((items ?? []).map { (id($0), $0) }, uniquingKeysWith: { first, _ in first })
        }
        members = Changes(old: byID(old?.members, \.id), new: byID(new.members, \.id))
        services = Changes(old: old?.servicesByID ?? [:], new: new.servicesByID)
        nodes = Changes(old: byID(old?.nodes, \.id), new: byID(new.nodes, \.id))
        purposes = Changes(old: byID(old?.purposes, \.code), new: byID(new.purposes, \.code))
        trustAnchorsChanged = old?.trustAnchors != new.trustAnchors
        crlsChanged = old?.crls != new.crls
    }

    /// Nothing but the version and times changed.
    public var isEmpty: Bool {
        members.isEmpty && services.isEmpty && nodes.isEmpty && purposes.isEmpty && !trustAnchorsChanged
            && !crlsChanged
    }
}
