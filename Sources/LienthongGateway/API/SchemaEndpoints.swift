import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongSchema

/// The schema API for integrators: the catalogue, one schema, and validation of an instance.
///
/// Open like `/healthz`: the canonical schemas are public contracts and validation reads no registry.
struct SchemaEndpoints: Sendable {
    let catalog: SchemaCatalog

    /// `GET /v1/schemas`: `{"schemas": [{id, $id, title, x-title-vi}, …]}`.
    func list() -> HTTPResponse {
        .json(catalog.listJSON)
    }

    /// `GET /v1/schemas/{id}`: the schema document as `application/schema+json`.
    func schema(_ id: String) -> HTTPResponse {
        guard let document = catalog.schema(id) else { return .problem(GatewayProblems.unknownSchema, requestID: nil) }
        var response = HTTPResponse.json(document)
        response.headers["Content-Type"] = "application/schema+json"
        response.headers["Cache-Control"] = "public, max-age=300"
        return response
    }

    /// `POST /v1/schemas/{id}/validate`: the 2020-12 `basic` output for the JSON body, 200 whether valid or not.
    func validate(_ id: String, body: [UInt8]) -> HTTPResponse {
        guard catalog.entry(id) != nil else { return .problem(GatewayProblems.unknownSchema, requestID: nil) }
        let instance: JSONValue
        do {
            instance = try JSONValue.parse(body)
        } catch {
            return .problem(GatewayProblems.malformedJSON(error.offset), requestID: nil)
        }
        do {
            return .json(try catalog.validate(id: id, instance: instance, output: .basic))
        } catch {
            return .problem(GatewayProblems.unknownSchema, requestID: nil)
        }
    }
}
