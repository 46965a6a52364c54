import LienthongJSON

/// One part of the cross-registry person profile (`person-profile.v1`): the registry that answers it, how its
/// records are found from a personal ID, and the agreement check the schema cannot express.
struct ProfilePart: Sendable {
    /// The member of the profile (`person`, `enterprises`, `parcels`, `insurance`).
    var member: String
    /// The registry that answers the part.
    var registry: String
    /// The connector search, with parameter `personalId`, that finds the part's records; `nil` for the person's
    /// own record, looked up by key.
    var search: String?
    /// Whether a found record is about the person: searches are the registry's, the check is ours.
    var belongs: @Sendable (_ record: JSONValue, _ personalID: String) -> Bool

    /// The four parts, in profile order.
    static let all: [ProfilePart] = [
        ProfilePart(member: "person", registry: "population", search: nil) { record, id in
            record["personalId"] == .string(id)
        },
        ProfilePart(member: "enterprises", registry: "enterprise", search: "legalRepresentative") { record, id in
            record["legalRepresentative"]?["personalId"] == .string(id)
        },
        ProfilePart(member: "parcels", registry: "land", search: "holder") { record, id in
            record["holders"]?.arrayValue?.contains { $0["personalId"] == .string(id) } ?? false
        },
        ProfilePart(member: "insurance", registry: "insurance", search: "personalId") { record, id in
            record["personalId"] == .string(id)
        },
    ]
}
