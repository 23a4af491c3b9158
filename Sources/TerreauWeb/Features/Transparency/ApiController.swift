import Fluent
import Foundation
import TerreauCore
import Vapor

/// The read-only JSON API over the open datasets: the same rows as the files, paged by an
/// opaque cursor, filtered by commune where a dataset has one, and described by an OpenAPI 3.1
/// document at `/api/openapi.json` (which schemathesis checks in CI). Errors are JSON too.
enum ApiController {
    static let defaultLimit = 100, maximumLimit = 500

    @Sendable static func communities(_ request: Request) async throws -> Response {
        let communities = try await CommunityRecord.query(on: request.db).sort(\.$slug).all()
        let names = OpenDataCatalog(database: request.db, community: CommunityRecord(), catalog: request.catalog).datasets.map(\.name)
        return OpenJSON.response(["data": communities.map { community -> [String: Any] in
            ["slug": community.slug, "name": community.name, "description": community.description, "datasets": names]
        }], type: .json)
    }

    @Sendable static func dataset(_ request: Request) async throws -> Response {
        let catalog = request.catalog
        guard let community = try await CommunityStore(database: request.db).find(slug: try request.parameter("community")) else {
            return OpenJSON.error(.notFound, catalog.text("api.error.community"))
        }
        let data = OpenDataCatalog(database: request.db, community: community, catalog: catalog)
        guard let dataset = data.datasets.first(where: { $0.name == (try? request.parameter("dataset")) }) else {
            return OpenJSON.error(.notFound, catalog.text("api.error.dataset"))
        }
        var limit = defaultLimit
        if let text = request.query[String.self, at: "limite"] {
            guard let value = Int(text), (1...maximumLimit).contains(value) else { return OpenJSON.error(.badRequest, catalog.text("api.error.limit", [String(maximumLimit)])) }
            limit = value
        }
        let cursor = request.query[String.self, at: "apres"]
        if let cursor, UUID(uuidString: cursor) == nil { return OpenJSON.error(.badRequest, catalog.text("api.error.cursor")) }
        let commune = request.query[String.self, at: "commune"]
        if let commune, !hasCommune(dataset) || commune.count != 5 || !commune.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "A" || $0 == "B") }) {
            return OpenJSON.error(.badRequest, catalog.text("api.error.commune"))
        }
        let places = try await CommunityPlaces.load(community, on: request.db)
        let batch = try await data.rows(of: dataset, after: cursor, places: places, limit: limit, commune: commune)
        var body = "{\"data\":[" + batch.rows.map { OpenJSON.object(dataset, $0) }.joined(separator: ",") + "],\"page\":{\"limit\":\(limit),\"next\":"
        body += (batch.next.map(OpenJSON.jsonString) ?? "null") + "}}"
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: "*")
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    static func hasCommune(_ dataset: OpenDataset) -> Bool { dataset.fields.contains { $0.name == "commune_code" } }

    // MARK: OpenAPI

    static func schema(_ type: OpenDataset.FieldType) -> [String: Any] {
        switch type {
        case .integer: return ["type": ["integer", "null"]]
        case .number: return ["type": ["number", "null"]]
        case .boolean: return ["type": ["boolean", "null"]]
        case .date: return ["type": ["string", "null"], "format": "date"]
        case .datetime: return ["type": ["string", "null"], "format": "date-time"]
        case .string: return ["type": ["string", "null"]]
        }
    }

    @Sendable static func document(_ request: Request) async throws -> Response {
        let catalog = request.catalog
        let base = request.address(of: .apiDocument)
        let community = try await CommunityRecord.query(on: request.db).sort(\.$slug).first()
        let datasets = OpenDataCatalog(database: request.db, community: community ?? CommunityRecord(), catalog: catalog).datasets
        let errorResponse: [String: Any] = ["description": catalog.text("api.doc.error"),
                                            "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
        var paths: [String: Any] = [
            "/api/communautes": ["get": [
                "operationId": "communities", "summary": catalog.text("api.doc.communities"),
                "responses": ["200": ["description": catalog.text("api.doc.communities"), "content": ["application/json": ["schema": [
                    "type": "object", "required": ["data"], "additionalProperties": false,
                    "properties": ["data": ["type": "array", "items": [
                        "type": "object", "required": ["slug", "name", "description", "datasets"], "additionalProperties": false,
                        "properties": ["slug": ["type": "string"], "name": ["type": "string"], "description": ["type": "string"],
                                       "datasets": ["type": "array", "items": ["type": "string"]]],
                    ]]],
                ]]]]],
            ]],
        ]
        for dataset in datasets {
            var parameters: [[String: Any]] = [
                ["name": "community", "in": "path", "required": true, "description": catalog.text("api.doc.slug"),
                 "schema": ["type": "string", "examples": community.map { [$0.slug] } ?? []]],
                ["name": "limite", "in": "query", "required": false, "description": catalog.text("api.doc.limit"),
                 "schema": ["type": "integer", "minimum": 1, "maximum": maximumLimit, "default": defaultLimit]],
                ["name": "apres", "in": "query", "required": false, "description": catalog.text("api.doc.cursor"), "schema": ["type": "string", "format": "uuid"]],
            ]
            if hasCommune(dataset) {
                parameters.append(["name": "commune", "in": "query", "required": false, "description": catalog.text("api.doc.commune"),
                                   "schema": ["type": "string", "pattern": "^[0-9][0-9AB][0-9]{3}$"]])
            }
            let item: [String: Any] = [
                "type": "object", "additionalProperties": false, "required": dataset.fields.map(\.name),
                "properties": Dictionary(uniqueKeysWithValues: dataset.fields.map { field in
                    (field.name, schema(field.type).merging(["description": field.description]) { first, _ in first })
                }),
            ]
            paths["/api/communautes/{community}/\(dataset.name)"] = ["get": [
                "operationId": "dataset-" + dataset.name, "summary": dataset.title, "description": dataset.description,
                "parameters": parameters,
                "responses": [
                    "200": ["description": dataset.title, "content": ["application/json": ["schema": [
                        "type": "object", "required": ["data", "page"], "additionalProperties": false,
                        "properties": ["data": ["type": "array", "items": item], "page": ["$ref": "#/components/schemas/Page"]],
                    ]]]],
                    "400": errorResponse, "404": errorResponse,
                ],
            ]]
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": catalog.text("api.doc.title"), "version": "1.0.0", "description": catalog.text("api.doc.description"),
                     "license": ["name": OpenDataset.Licence.odbl.title, "identifier": OpenDataset.Licence.odbl.rawValue]],
            "servers": [["url": String(base.dropLast("/api/openapi.json".count))]],
            "paths": paths,
            "components": ["schemas": [
                "Error": ["type": "object", "required": ["error"], "additionalProperties": false, "properties": ["error": ["type": "string"]]],
                "Page": ["type": "object", "required": ["limit", "next"], "additionalProperties": false,
                         "properties": ["limit": ["type": "integer", "minimum": 1], "next": ["type": ["string", "null"]]]],
            ]],
        ]
        return OpenJSON.response(document, type: .json)
    }
}

/// The API is read-only: any other method than GET (or HEAD) on `/api/` gets 405 with
/// `Allow`, in JSON, before sessions or the CSRF check see it.
struct ReadOnlyApiMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.url.path.hasPrefix("/api/"), request.method != .GET, request.method != .HEAD else { return try await next.respond(to: request) }
        let response = OpenJSON.error(.methodNotAllowed, request.catalog.text("api.error.method"))
        response.headers.replaceOrAdd(name: .allow, value: "GET, HEAD")
        return response
    }
}
