import Foundation

extension GlobalConfiguration {
    /// The rules between parts that `global-configuration.v1` cannot state: ids unique, each subsystem under its
    /// member and each service under its subsystem, a member's class the one its id names, every node serving
    /// listed members only, and an expiry after the issue time.
    /// - Throws: ``FederationError/Code/inconsistent`` naming the first rule broken.
    public func checkConsistency() throws(FederationError) {
        guard expiresAt > issuedAt else { throw FederationError(.inconsistent, "expiresAt is not after issuedAt") }
        var memberIDs: Set<String> = []
        var subsystemIDs: Set<String> = []
        var serviceIDs: Set<String> = []
        for member in members {
            guard memberIDs.insert(member.id).inserted else { throw Self.repeated("member", member.id) }
            guard member.id.split(separator: "/").dropFirst().first.map(String.init) == member.class.rawValue else {
                throw FederationError(.inconsistent, "member \(member.id) is not of class \(member.class.rawValue)")
            }
            for subsystem in member.subsystems {
                guard subsystem.id.hasPrefix(member.id + "/") else {
                    throw FederationError(.inconsistent, "subsystem \(subsystem.id) is not under \(member.id)")
                }
                guard subsystemIDs.insert(subsystem.id).inserted else { throw Self.repeated("subsystem", subsystem.id) }
                for service in subsystem.services {
                    guard service.id.hasPrefix(subsystem.id + "/") else {
                        throw FederationError(.inconsistent, "service \(service.id) is not under \(subsystem.id)")
                    }
                    guard serviceIDs.insert(service.id).inserted else { throw Self.repeated("service", service.id) }
                }
            }
        }
        var nodeIDs: Set<String> = []
        for node in nodes {
            guard nodeIDs.insert(node.id).inserted else { throw Self.repeated("node", node.id) }
            for member in node.members where !memberIDs.contains(member) {
                throw FederationError(.inconsistent, "node \(node.id) serves \(member), which is not a member")
            }
        }
        var purposeCodes: Set<String> = []
        for purpose in purposes where !purposeCodes.insert(purpose.code).inserted {
            throw Self.repeated("purpose", purpose.code)
        }
    }

    private static func repeated(_ kind: String, _ id: String) -> FederationError {
        FederationError(.inconsistent, "\(kind) \(id) is listed twice")
    }
}
