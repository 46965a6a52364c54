import Foundation
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongTrust

// What operators change: consumers and their tokens, grants, registries; and reloads.
extension AdminAPI {
    /// Runs `edit` through the ``ConfigurationEditor`` and records the outcome in the audit log, refused changes
    /// included; `answer` adds members to the success body.
    func change(
        _ call: Call, action: String, status: Int = 200, answer: JSONObject = [:],
        _ edit: (inout ConfigurationEditor.Files) throws(Problem) -> Void
    ) async -> HTTPResponse {
        guard let node = attachedNode else { return .problem(GatewayProblems.internalError, requestID: nil) }
        let files: [String]
        do {
            files = try editor.apply(running: current.current.configuration, reload: node.reloadFromFiles, edit)
        } catch {
            _ = await audit(call, action: action, files: [], status: error.status, problemCode: error.code)
            return .problem(error, requestID: nil)
        }
        if let refused = await audit(call, action: action, files: files, status: status) {
            return .problem(refused, requestID: nil)
        }
        var body = answer
        body["applied"] = true
        body["generation"] = .number(JSONNumber(current.current.generation))
        body["files"] = .array(files.map { .string($0) })
        return .json(.object(body), status: status)
    }

    /// Adds a grant, or replaces the one of the same kind, consumer and service (or, kind `messages`, recipient).
    func putGrant(_ call: Call) async -> HTTPResponse {
        guard case .success(let grant) = Self.object(call.request.body),
            let identity = GrantIdentity(grant: .object(grant))
        else {
            return .problem(
                AdminProblems.invalidBody(
                    "Send a grant object with consumer and service, or with kind messages, consumer and recipient."),
                requestID: nil)
        }
        return await change(call, action: "grant.put") { files throws(Problem) in
            try Self.upsert(&files, "grants.json", .object(grant)) { GrantIdentity(grant: $0) == identity }
        }
    }

    /// Removes the grant named by `?consumer=` and `?service=` (a lookup grant, or with `?kind=events` an events
    /// grant) or by `?consumer=` and `?recipient=` (a `messages` grant).
    func deleteGrant(_ call: Call) async -> HTTPResponse {
        guard let identity = GrantIdentity(query: call.request) else {
            return .problem(
                AdminProblems.invalidBody(
                    "Name the grant by ?consumer= and ?service= (with ?kind=events for an events grant), "
                        + "or by ?consumer= and ?recipient=."),
                requestID: nil)
        }
        return await change(call, action: "grant.delete") { files throws(Problem) in
            try Self.remove(&files, "grants.json", what: "grant") { GrantIdentity(grant: $0) == identity }
        }
    }

    /// Adds a consumer, or replaces the one with the same id.
    func putConsumer(_ call: Call) async -> HTTPResponse {
        guard case .success(let consumer) = Self.object(call.request.body), let id = consumer["id"]?.stringValue else {
            return .problem(AdminProblems.invalidBody("Send a consumer object with an id."), requestID: nil)
        }
        return await change(call, action: "consumer.put") { files throws(Problem) in
            try Self.upsert(&files, "consumers.json", .object(consumer)) { $0["id"]?.stringValue == id }
        }
    }

    /// Removes the consumer `?id=` (config check refuses it while a grant names it).
    func deleteConsumer(_ call: Call) async -> HTTPResponse {
        guard let id = call.request.queryValue("id") else {
            return .problem(AdminProblems.invalidBody("Name the consumer by ?id=."), requestID: nil)
        }
        return await change(call, action: "consumer.delete") { files throws(Problem) in
            try Self.remove(&files, "consumers.json", what: "consumer") { $0["id"]?.stringValue == id }
        }
    }

    /// Issues a new bearer token for the consumer in the body: its SHA-256 goes into `tokenSHA256`, the token
    /// itself is answered once and stored nowhere.
    func issueToken(_ call: Call) async -> HTTPResponse {
        guard case .success(let body) = Self.object(call.request.body), let id = body["consumer"]?.stringValue else {
            return .problem(AdminProblems.invalidBody("Send {\"consumer\": id}."), requestID: nil)
        }
        let token = "lt_" + Base64URL.encode(SecureRandom.bytes(32))
        let hash = BearerToken.hash(token)
        let answer: JSONObject = [
            "consumer": .string(id), "token": .string(token), "tokenSHA256": .string(hash),
        ]
        return await change(call, action: "token.issue", status: 201, answer: answer) { files throws(Problem) in
            try Self.editConsumer(&files, id) { consumer in
                consumer["tokenSHA256"] = .array((consumer["tokenSHA256"]?.arrayValue ?? []) + [.string(hash)])
            }
        }
    }

    /// Revokes the token of `?consumer=` whose SHA-256 is `?sha256=`.
    func revokeToken(_ call: Call) async -> HTTPResponse {
        guard let id = call.request.queryValue("consumer"), let hash = call.request.queryValue("sha256")?.lowercased()
        else {
            return .problem(AdminProblems.invalidBody("Name the token by ?consumer= and ?sha256=."), requestID: nil)
        }
        return await change(call, action: "token.revoke") { files throws(Problem) in
            try Self.editConsumer(&files, id) { consumer throws(Problem) in
                let hashes = consumer["tokenSHA256"]?.arrayValue ?? []
                let kept = hashes.filter { $0.stringValue?.lowercased() != hash }
                guard kept.count < hashes.count else { throw AdminProblems.notFound("token") }
                consumer["tokenSHA256"] = .array(kept)
            }
        }
    }

    /// Adds or replaces a registry: `entry` (its `registries.json` element) and, optionally, `connectorFile` (the
    /// content of the connector file the entry names, under `registries/`).
    func putRegistry(_ call: Call) async -> HTTPResponse {
        guard case .success(let body) = Self.object(call.request.body), let entry = body["entry"],
            let name = entry["name"]?.stringValue, let path = entry["connector"]?.stringValue
        else {
            return .problem(
                AdminProblems.invalidBody("Send {\"entry\": registries.json element, \"connectorFile\": …}."),
                requestID: nil)
        }
        let connectorFile = body["connectorFile"]
        guard connectorFile == nil || Self.isConnectorPath(path) else {
            return .problem(
                AdminProblems.invalidBody("A connector file is written only as registries/<name>.json."), requestID: nil
            )
        }
        return await change(call, action: "registry.put") { files throws(Problem) in
            try Self.upsert(&files, "registries.json", entry) { $0["name"]?.stringValue == name }
            if let connectorFile { files.written[path] = connectorFile }
        }
    }

    /// Removes the registry `?name=` from `registries.json` (its connector file stays).
    func deleteRegistry(_ call: Call) async -> HTTPResponse {
        guard let name = call.request.queryValue("name") else {
            return .problem(AdminProblems.invalidBody("Name the registry by ?name=."), requestID: nil)
        }
        return await change(call, action: "registry.delete") { files throws(Problem) in
            try Self.remove(&files, "registries.json", what: "registry") { $0["name"]?.stringValue == name }
        }
    }

    /// Reloads the configuration files as they are (after a hand edit, say).
    func reload(_ call: Call) async -> HTTPResponse {
        guard let node = attachedNode else { return .problem(GatewayProblems.internalError, requestID: nil) }
        let outcome = node.reloadFromFiles()
        guard case .applied(let generation, let restartOnly, _) = outcome else {
            let problem = AdminProblems.invalidChange(
                outcome.logLines.dropFirst().map {
                    $0.trimmingCharacters(in: .whitespaces)
                })
            _ = await audit(call, action: "reload", files: [], status: problem.status, problemCode: problem.code)
            return .problem(problem, requestID: nil)
        }
        if let refused = await audit(call, action: "reload", files: [], status: 200) {
            return .problem(refused, requestID: nil)
        }
        return .json([
            "applied": true, "generation": .number(JSONNumber(generation)),
            "restartOnly": .array(restartOnly.map { .string($0) }),
        ])
    }

    // MARK: Editing array files

    private static func object(_ body: [UInt8]) -> Result<JSONObject, Problem> {
        guard let value = try? JSONValue.parse(body), let object = value.objectValue else {
            return .failure(AdminProblems.invalidBody("The body is not a JSON object."))
        }
        return .success(object)
    }

    private static func array(_ files: inout ConfigurationEditor.Files, _ file: String) throws(Problem) -> [JSONValue] {
        guard let elements = try files.json(file).arrayValue else {
            throw AdminProblems.invalidChange(["\(file): is not an array on disk (fix it by hand first)"])
        }
        return elements
    }

    /// Replaces the first element `matches` finds in an array file, or appends `element`.
    private static func upsert(
        _ files: inout ConfigurationEditor.Files, _ file: String, _ element: JSONValue, matches: (JSONValue) -> Bool
    ) throws(Problem) {
        var elements = try array(&files, file)
        if let index = elements.firstIndex(where: matches) {
            elements[index] = element
        } else {
            elements.append(element)
        }
        files.written[file] = .array(elements)
    }

    private static func remove(
        _ files: inout ConfigurationEditor.Files, _ file: String, what: String, matches: (JSONValue) -> Bool
    ) throws(Problem) {
        let elements = try array(&files, file)
        let kept = elements.filter { !matches($0) }
        guard kept.count < elements.count else { throw AdminProblems.notFound(what) }
        files.written[file] = .array(kept)
    }

    private static func editConsumer(
        _ files: inout ConfigurationEditor.Files, _ id: String,
        _ edit: (inout JSONObject) throws(Problem) -> Void
    ) throws(Problem) {
        var consumers = try array(&files, "consumers.json")
        guard let index = consumers.firstIndex(where: { $0["id"]?.stringValue == id }),
            var consumer = consumers[index].objectValue
        else { throw AdminProblems.notFound("consumer") }
        try edit(&consumer)
        consumers[index] = .object(consumer)
        files.written["consumers.json"] = .array(consumers)
    }

    /// `registries/<name>.json`, nothing that leaves the directory.
    private static func isConnectorPath(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        return parts.count == 2 && parts[0] == "registries" && parts[1].hasSuffix(".json") && !parts[1].hasPrefix(".")
    }
}
