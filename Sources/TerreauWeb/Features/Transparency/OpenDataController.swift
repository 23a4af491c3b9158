import Fluent
import Foundation
import TerreauCore
import Vapor

/// The community's open data: a page listing every dataset with its licence and formats; each
/// dataset streamed as CSV, JSON (and GeoJSON where it has a geography) in batches, so memory
/// stays flat whatever the size; a Frictionless data package describing the CSV files and a
/// DCAT-AP catalogue (JSON-LD) that data.gouv.fr can harvest.
enum OpenDataController {
    struct Item: Encodable {
        var title: String
        var description: String
        var licences: String
        var files: [ChoiceOption]
    }

    struct Page: Encodable {
        var layout: PageLayout
        var items: [Item]
        var packageURL: String
        var catalogueURL: String
        var hsdsURL: String
        var journalURL: String
    }

    static func fileURL(_ slug: String, _ name: String) -> String { SiteRoute.openDataFile(slug: slug, file: name).path }

    static func formats(_ dataset: OpenDataset) -> [String] { ["csv", "json"] + (dataset.hasGeometry ? ["geojson"] : []) }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog, slug = community.slug
        let datasets = OpenDataCatalog(database: request.db, community: community, catalog: catalog).datasets
        return try await request.render("transparency/opendata", Page(
            layout: PageLayout(request, title: catalog.text("opendata.title"), community: community, current: "opendata"),
            items: datasets.map { dataset in
                Item(title: dataset.title, description: dataset.description, licences: dataset.licences.map(\.title).joined(separator: " ; "),
                     files: formats(dataset).map { ChoiceOption(value: fileURL(slug, dataset.name + "." + $0), label: $0.uppercased(), selected: false) })
            },
            packageURL: fileURL(slug, "datapackage.json"), catalogueURL: fileURL(slug, "catalogue.jsonld"), hsdsURL: fileURL(slug, HSDSExport.file),
            journalURL: SiteRoute.journal(slug: slug).path))
    }

    @Sendable static func file(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let file = try request.parameter("file")
        let data = OpenDataCatalog(database: request.db, community: community, catalog: request.catalog)
        if file == "datapackage.json" { return OpenJSON.response(try package(data, request), type: .json) }
        if file == "catalogue.jsonld" { return OpenJSON.response(try dcat(data, request), type: HTTPMediaType(type: "application", subType: "ld+json")) }
        if file == HSDSExport.file { return OpenJSON.response(try await HSDSExport.organizations(community, request), type: .json) }
        guard let dot = file.lastIndex(of: "."), let dataset = data.datasets.first(where: { $0.name == String(file[..<dot]) }),
              formats(dataset).contains(String(file[file.index(after: dot)...])) else { throw Abort(.notFound) }
        let format = String(file[file.index(after: dot)...])
        let places = try await CommunityPlaces.load(community, on: request.db)
        let geometry = format == "geojson" ? try await boundaries(community, request) : [:]
        var headers = HTTPHeaders()
        switch format {
        case "csv": headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8", "header": "present"])
        case "geojson": headers.contentType = HTTPMediaType(type: "application", subType: "geo+json")
        default: headers.contentType = .json
        }
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(community.slug)-\(file)\"")
        headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: "*")
        let types = dataset.fields.map(\.type)
        let response = Response(status: .ok, headers: headers)
        // Managed: Vapor ends the stream, or fails it when the client went away mid-way and a
        // write threw. An unmanaged stream left unended stopped the server (an assertion of its
        // encoder) when a download was cut.
        response.body = .init(managedAsyncStream: { writer in
            var cursor: String?, first = true
            switch format {
            case "csv": try await writer.write(.buffer(ByteBuffer(string: CSV.line(dataset.fields.map(\.name), types: dataset.fields.map { _ in .string }))))
            case "geojson": try await writer.write(.buffer(ByteBuffer(string: "{\"type\":\"FeatureCollection\",\"features\":[")))
            default: try await writer.write(.buffer(ByteBuffer(string: "[")))
            }
            repeat {
                let batch = try await data.rows(of: dataset, after: cursor, places: places)
                var out = ""
                for row in batch.rows {
                    switch format {
                    case "csv": out += CSV.line(row, types: types)
                    case "geojson":
                        out += (first ? "" : ",") + "{\"type\":\"Feature\",\"geometry\":" + (geometry[row[0] ?? ""] ?? "null")
                            + ",\"properties\":" + OpenJSON.object(dataset, row) + "}"
                    default: out += (first ? "" : ",") + OpenJSON.object(dataset, row)
                    }
                    first = false
                }
                if !out.isEmpty { try await writer.write(.buffer(ByteBuffer(string: out))) }
                cursor = batch.next
            } while cursor != nil
            switch format {
            case "csv": break
            case "geojson": try await writer.write(.buffer(ByteBuffer(string: "]}")))
            default: try await writer.write(.buffer(ByteBuffer(string: "]")))
            }
        })
        return response
    }

    /// Commune boundaries as stored (GeoJSON geometries, exterior rings counter-clockwise).
    static func boundaries(_ community: CommunityRecord, _ request: Request) async throws -> [String: String] {
        let codes = try await CommunityStore(database: request.db).communeCodes(of: community.id!)
        return Dictionary(try await CommuneBoundaryRecord.query(on: request.db).filter(\.$id ~~ codes).all().map { ($0.id!, $0.geometry) },
                          uniquingKeysWith: { first, _ in first })
    }

    static func licences(_ dataset: OpenDataset) -> [[String: String]] {
        dataset.licences.map { ["name": $0.rawValue, "path": $0.url, "title": $0.title] }
    }

    /// The Frictionless Data Package (tabular) describing every CSV file.
    static func package(_ data: OpenDataCatalog, _ request: Request) throws -> [String: Any] {
        let community = data.community
        return [
            "profile": "tabular-data-package",
            "name": "terreau-" + community.slug,
            "title": data.catalog.text("opendata.package.title", [community.name]),
            "description": data.catalog.text("opendata.lead"),
            "homepage": request.address(of: .openData(slug: community.slug)),
            "licenses": [["name": OpenDataset.Licence.odbl.rawValue, "path": OpenDataset.Licence.odbl.url, "title": OpenDataset.Licence.odbl.title]],
            "resources": data.datasets.map { dataset -> [String: Any] in
                var schema: [String: Any] = [
                    "fields": dataset.fields.map { ["name": $0.name, "type": $0.type.rawValue, "description": $0.description] },
                    "missingValues": [""],
                ]
                if let key = dataset.fields.first?.name, ["id", "key", "commune_code", "neighbourhood"].contains(key) { schema["primaryKey"] = [key] }
                return [
                    "name": dataset.name, "path": dataset.name + ".csv", "title": dataset.title, "description": dataset.description,
                    "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                    "licenses": licences(dataset), "schema": schema,
                ]
            },
        ]
    }

    /// A DCAT-AP catalogue in JSON-LD: one dataset per file family, one distribution per format.
    static func dcat(_ data: OpenDataCatalog, _ request: Request) throws -> [String: Any] {
        let community = data.community, slug = community.slug
        let base = request.address(of: .openData(slug: slug))
        return [
            "@context": ["dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
                         "xsd": "http://www.w3.org/2001/XMLSchema#"],
            "@id": base + "/catalogue.jsonld",
            "@type": "dcat:Catalog",
            "dct:title": data.catalog.text("opendata.package.title", [community.name]),
            "dct:description": data.catalog.text("opendata.lead"),
            "dct:language": ["@id": "http://publications.europa.eu/resource/authority/language/FRA"],
            "dct:publisher": ["@type": "foaf:Agent", "foaf:name": community.name],
            "foaf:homepage": ["@id": base],
            "dcat:dataset": data.datasets.map { dataset -> [String: Any] in
                [
                    "@id": base + "#" + dataset.name,
                    "@type": "dcat:Dataset",
                    "dct:title": dataset.title,
                    "dct:description": dataset.description,
                    "dct:identifier": slug + "/" + dataset.name,
                    "dct:publisher": ["@type": "foaf:Agent", "foaf:name": community.name],
                    "dcat:distribution": formats(dataset).map { format -> [String: Any] in
                        [
                            "@type": "dcat:Distribution",
                            "dct:title": dataset.title + " (" + format.uppercased() + ")",
                            "dcat:accessURL": ["@id": base],
                            "dcat:downloadURL": ["@id": request.address(of: .openDataFile(slug: slug, file: dataset.name + "." + format))],
                            "dcat:mediaType": ["csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"][format]!,
                            "dct:format": format.uppercased(),
                            "dct:license": ["@id": dataset.licences[0].url],
                        ]
                    },
                ]
            } + [hsdsDataset(data, request)],
        ]
    }

    /// The HSDS file as one more DCAT dataset, so a harvester finds it beside the others.
    static func hsdsDataset(_ data: OpenDataCatalog, _ request: Request) -> [String: Any] {
        let community = data.community, base = request.address(of: .openData(slug: community.slug))
        return [
            "@id": base + "#hsds", "@type": "dcat:Dataset",
            "dct:title": data.catalog.text("opendata.hsds"), "dct:description": data.catalog.text("opendata.hsds"),
            "dct:identifier": community.slug + "/hsds-organizations",
            "dct:publisher": ["@type": "foaf:Agent", "foaf:name": community.name],
            "dct:conformsTo": ["@id": "https://docs.openreferral.org/en/latest/hsds/overview.html"],
            "dcat:distribution": [[
                "@type": "dcat:Distribution", "dct:title": data.catalog.text("opendata.hsds"), "dcat:accessURL": ["@id": base],
                "dcat:downloadURL": ["@id": request.address(of: .openDataFile(slug: community.slug, file: HSDSExport.file))],
                "dcat:mediaType": "application/json", "dct:format": "JSON", "dct:license": ["@id": OpenDataset.Licence.odbl.url],
            ] as [String: Any]],
        ]
    }
}
