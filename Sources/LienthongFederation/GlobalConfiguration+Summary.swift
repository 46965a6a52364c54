import LienthongCore

extension GlobalConfiguration {
    /// A readable summary, one line per member and node: what `lienthong federation show` prints.
    public var summaryLines: [String] {
        let subsystems = members.reduce(0) { $0 + $1.subsystems.count }
        var lines = [
            "federation: \(federationID)",
            "version: \(version)",
            "authority: \(authority)",
            "issued: \(Timestamp.rfc3339(issuedAt))",
            "expires: \(Timestamp.rfc3339(expiresAt))",
            "members: \(members.count), subsystems: \(subsystems), services: \(servicesByID.count)",
        ]
        for member in members {
            let services = member.subsystems.reduce(0) { $0 + $1.services.count }
            lines.append("  \(member.id)  \(member.name)  (\(member.subsystems.count) subsystems, \(services) services)")
        }
        lines.append("nodes: \(nodes.count)")
        for node in nodes {
            lines.append(
                "  \(node.id)  \(node.address)  serves \(node.members.joined(separator: ", "))  "
                    + "(\(node.tlsFingerprints.count) TLS fingerprints)")
        }
        lines.append("trust anchors: \(trustAnchors.count), CRLs: \(crls.count), purposes: \(purposes.count)")
        return lines
    }
}

extension GlobalConfigurationDiff {
    /// The changes as `what: ids` pairs (`members added`, `services removed`, …) for the operator log, empty lists
    /// left out.
    public var logFields: [(name: String, ids: [String])] {
        var fields: [(String, [String])] = []
        for (kind, changes) in [("members", members), ("services", services), ("nodes", nodes), ("purposes", purposes)] {
            if !changes.added.isEmpty { fields.append(("\(kind) added", changes.added)) }
            if !changes.removed.isEmpty { fields.append(("\(kind) removed", changes.removed)) }
            if !changes.changed.isEmpty { fields.append(("\(kind) changed", changes.changed)) }
        }
        if trustAnchorsChanged { fields.append(("trust anchors", ["changed"])) }
        if crlsChanged { fields.append(("CRLs", ["changed"])) }
        return fields
    }
}
