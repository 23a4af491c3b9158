import Fluent
import Foundation
import SQLKit
import SQLiteNIO
import TerreauCore

/// The datasets a community publishes and where their rows come from. Every source applies
/// the visibility rule of the pages (S6): public records only; statistics count what may be
/// counted and hide cells under five people. No source reads an e-mail, a phone, a consent or
/// a ballot.
struct OpenDataCatalog {
    let database: any Database
    let community: CommunityRecord
    let catalog: MessageCatalog

    static let batchSize = 2_000
    static let inventoryKinds: [(name: String, kind: InventoryKind)] = [
        ("lieux", .place), ("materiel", .equipment), ("offres", .offer), ("besoins", .need), ("portraits", .portrait),
    ]
    /// Portrait fields left out of the open data even when the person chose « public »: how to
    /// reach them and their age.
    static let withheld: Set<InventoryField> = [.visibility, .contactPreference, .ageBand]

    func field(_ name: String, _ type: OpenDataset.FieldType = .string) -> OpenDataset.Field {
        .init(name, type, catalog.text("opendata.field." + name))
    }

    func dataset(_ name: String, licences: [OpenDataset.Licence] = [.odbl], fields: [OpenDataset.Field], geometry: Bool = false) -> OpenDataset {
        OpenDataset(name: name, title: catalog.text("opendata.\(name).title"), description: catalog.text("opendata.\(name).description"),
                    licences: licences, fields: fields, hasGeometry: geometry)
    }

    static func inventoryFields(_ kind: InventoryKind) -> [InventoryField] {
        kind.fields.filter { !withheld.contains($0) && $0 != .title && $0 != .description && $0 != .commune && $0 != .neighbourhood }
    }

    var datasets: [OpenDataset] {
        let counts = ["portraits", "organisations", "places", "equipment", "offers", "needs"].map { field($0, .integer) }
        return [
            dataset("organisations", fields: ["id", "name", "kind", "rna", "siren", "commune_code", "commune", "themes", "website"].map { field($0) }
                    + [field("created_at", .datetime)]),
        ] + Self.inventoryKinds.map { entry in
            dataset(entry.name, fields: [field("id"), field("title"), field("description")]
                    + Self.inventoryFields(entry.kind).map { field($0.rawValue, $0 == .capacity ? .integer : .string) }
                    + ["commune_code", "commune", "neighbourhood", "neighbourhood_name", "organisation_id"].map { field($0) } + [field("updated_at", .datetime)])
        } + [
            dataset("competences", licences: [.ccBy, .odbl], fields: ["key", "label", "source", "concept_type", "broader", "synonyms"].map { field($0) }),
            dataset("statistiques-communes", licences: [.odbl, .licenceOuverte],
                    fields: [field("commune_code"), field("commune"), field("population", .integer)] + counts + [field("portraits_per_thousand", .number)],
                    geometry: true),
            dataset("statistiques-quartiers", licences: [.odbl, .licenceOuverte],
                    fields: [field("neighbourhood"), field("neighbourhood_name"), field("population", .integer), field("population_estimated", .boolean)]
                        + counts.filter { $0.name != "organisations" }
                        + [field("portraits_per_thousand", .number)]),
            dataset("propositions", fields: ["id", "title", "summary", "status", "themes", "commune_code"].map { field($0) }
                    + ["backings", "arguments_for", "arguments_against", "arguments_nuanced"].map { field($0, .integer) }
                    + [field("register_status"), field("created_at", .datetime), field("updated_at", .datetime)]),
            dataset("decisions", fields: ["id", "title", "kind", "method", "electorate", "phase"].map { field($0) }
                    + [field("electorate_size", .integer), field("ballots", .integer), field("outcome"), field("winners"), field("closed_at", .datetime)]),
            dataset("financements", fields: ["id", "kind", "contributor", "organisation_id"].map { field($0) }
                    + [field("amount", .integer), field("hours", .number), field("description"), field("received_on", .date), field("version", .integer),
                       field("updated_at", .datetime)]),
        ]
    }

    // MARK: Rows

    /// One batch of at most `limit` rows after `cursor` (an id), in one commune when asked, and
    /// the cursor for the next batch (nil at the end).
    typealias Batch = (rows: [[String?]], next: String?)

    /// UTC, ISO 8601, to the second (`2026-11-30T19:58:09Z`).
    static func stamp(_ date: Date?) -> String? {
        guard let date else { return nil }
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down)), parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0" + String(value) : String(value) }
        return String(parts.tm_year + 1900) + "-" + two(parts.tm_mon + 1) + "-" + two(parts.tm_mday) + "T" + two(parts.tm_hour) + ":"
            + two(parts.tm_min) + ":" + two(parts.tm_sec) + "Z"
    }

    func rows(of dataset: OpenDataset, after cursor: String?, places: CommunityPlaces, limit: Int = batchSize, commune: String? = nil) async throws -> Batch {
        let id = community.id!
        switch dataset.name {
        case "organisations":
            var query = OrganisationRecord.query(on: database).filter(\.$community.$id == id).sort(\.$id).limit(limit)
            if let commune { query = query.filter(\.$communeCode == commune) }
            if let cursor = cursor.flatMap(UUID.init(uuidString:)) { query = query.filter(\.$id > cursor) }
            let records = try await query.all()
            return (records.map { record in
                [record.id!.uuidString, record.name, record.kind, record.rna, record.siren, record.communeCode, places.communeName(record.communeCode),
                 record.themes.isEmpty ? nil : record.themes.split(separator: " ").joined(separator: ";"), record.website, Self.stamp(record.createdAt)]
            }, records.count == limit ? records.last?.id?.uuidString : nil)
        case "competences":
            var query = SkillTermRecord.query(on: database).group(.or) { $0.filter(\.$community.$id == nil).filter(\.$community.$id == id) }
                .filter(\.$mergedInto == nil).sort(\.$id).limit(limit)
            if let cursor = cursor.flatMap(UUID.init(uuidString:)) { query = query.filter(\.$id > cursor) }
            let records = try await query.all()
            return (records.map { term in
                [term.key, term.label, term.source, term.conceptType, term.broader.isEmpty ? nil : term.broader.split(separator: " ").joined(separator: ";"),
                 term.synonymList.isEmpty ? nil : term.synonymList.joined(separator: ";")]
            }, records.count == limit ? records.last?.id?.uuidString : nil)
        case "statistiques-communes", "statistiques-quartiers":
            let lines = cursor == nil ? try await statistics(byCommune: dataset.name == "statistiques-communes", places: places) : []
            return (commune.map { code in lines.filter { $0.first == code } } ?? lines, nil)
        case "propositions":
            return try await proposals(after: cursor, limit: limit, commune: commune)
        case "decisions":
            return try await decisions(after: cursor, limit: limit)
        case "financements":
            var query = FundingEntryRecord.query(on: database).filter(\.$community.$id == id).sort(\.$id).limit(limit)
            if let cursor = cursor.flatMap(UUID.init(uuidString:)) { query = query.filter(\.$id > cursor) }
            let records = try await query.all()
            return (records.map { entry in
                [entry.id!.uuidString, entry.kind, entry.contributor, entry.$organisation.id?.uuidString, entry.amount.map(String.init),
                 entry.hours.map { String($0) }, entry.description.isEmpty ? nil : entry.description, CalendarDay.format(entry.receivedOn),
                 String(entry.version), Self.stamp(entry.updatedAt)]
            }, records.count == limit ? records.last?.id?.uuidString : nil)
        default:
            guard let kind = Self.inventoryKinds.first(where: { $0.name == dataset.name })?.kind else { return ([], nil) }
            return try await inventory(kind, after: cursor, places: places, limit: limit, commune: commune)
        }
    }

    /// Public records of one kind, read as plain rows — no model objects, the JSON of their
    /// fields taken apart by the database — along the `inventory_items_export` index: the
    /// export of a million rows spends its time here. On SQLite the rows are read as SQLiteNIO
    /// hands them over, each cell taken as the text it is, without SQLKit's decoding.
    func inventory(_ kind: InventoryKind, after cursor: String?, places: CommunityPlaces, limit: Int, commune: String?) async throws -> Batch {
        let fields = [InventoryField.description] + Self.inventoryFields(kind)
        let communeNames = Dictionary(places.communes.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let areaNames = Dictionary(places.neighbourhoods.map { ($0.slug, $0.name) }, uniquingKeysWith: { first, _ in first })
        let columns = ["key", "title"] + fields.map { "f_" + $0.rawValue } + ["commune_code", "neighbourhood", "organisation"]
        let inputs = fields.map(\.input)
        /// One CSV line's cells from a row's text cells (in `columns` order) and its update time.
        @Sendable func line(_ cells: [String?], updatedAt: Date?) -> [String?] {
            var line: [String?] = [cells[0], cells[1]]
            line.reserveCapacity(columns.count + 3)
            for (index, input) in inputs.enumerated() {
                guard let text = cells[2 + index], !text.isEmpty else { line.append(nil); continue }
                switch input {
                case .skills: line.append(text.split(separator: "\n").joined(separator: ";"))
                case .multiChoice, .availability: line.append(text.split(separator: " ").joined(separator: ";"))
                default: line.append(text)
                }
            }
            let communeCode = cells[columns.count - 3], area = cells[columns.count - 2]
            line += [communeCode, communeCode.flatMap { communeNames[$0] }, area, area.flatMap { areaNames[$0] }, cells[columns.count - 1],
                     Self.stamp(updatedAt)]
            return line
        }
        let lines: [[String?]]
        if let sqlite = database as? any SQLiteDatabase {
            let extracted = fields.map { "json_extract(fields, '$.\($0.rawValue)') AS \"f_\($0.rawValue)\"" }.joined(separator: ", ")
            var conditions = ["community_id = ?", "kind = ?", "visibility = 'public'"]
            var binds: [SQLiteData] = [.text(community.id!.uuidString), .text(kind.rawValue)]
            if let cursor = cursor.flatMap(UUID.init(uuidString:)) { conditions.append("id > ?"); binds.append(.text(cursor.uuidString)) }
            if let commune { conditions.append("commune_code = ?"); binds.append(.text(commune)) }
            let collected = Collected()
            try await sqlite.query("""
                SELECT upper(CAST(id AS TEXT)) AS key, title, \(extracted), commune_code, neighbourhood,
                    upper(CAST(organisation_id AS TEXT)) AS organisation, updated_at FROM inventory_items
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT \(limit)
                """, binds) { row in
                collected.lines.append(line(columns.map { name in
                    switch row.column(name) {
                    case .text(let text): return text
                    case .integer(let number): return String(number)
                    default: return nil
                    }
                }, updatedAt: row.column("updated_at").flatMap(Date.init(sqliteData:))))
            }
            lines = collected.lines
        } else {
            let sql = database as! any SQLDatabase
            let extracted = fields.map { "(fields::jsonb ->> '\($0.rawValue)') AS \"f_\($0.rawValue)\"" }.joined(separator: ", ")
            var conditions: [SQLQueryString] = ["community_id = \(bind: community.id!)", "kind = \(bind: kind.rawValue)", "visibility = 'public'"]
            if let cursor = cursor.flatMap(UUID.init(uuidString:)) { conditions.append("id > \(bind: cursor)") }
            if let commune { conditions.append("commune_code = \(bind: commune)") }
            lines = try await sql.raw("""
                SELECT upper(CAST(id AS TEXT)) AS key, title, \(unsafeRaw: extracted), commune_code, neighbourhood,
                    upper(CAST(organisation_id AS TEXT)) AS organisation, updated_at FROM inventory_items
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT \(literal: limit)
                """).all().map { row in
                line(try columns.map { try row.decode(column: $0, as: String?.self) }, updatedAt: try row.decode(column: "updated_at", as: Date.self))
            }
        }
        return (lines, lines.count == limit ? lines.last?[0] ?? nil : nil)
    }

    /// Lines gathered by SQLiteNIO's row callback, which runs on the connection's thread one row
    /// after another and is done before the query's future completes.
    private final class Collected: @unchecked Sendable {
        var lines: [[String?]] = []
    }

    /// Counts by commune or neighbourhood. Portraits count whatever their visibility (that is
    /// what « counted in the statistics » means) except those kept to coordinators; a count of
    /// one to four people is withheld, and its rate with it.
    func statistics(byCommune: Bool, places: CommunityPlaces) async throws -> [[String?]] {
        let sql = database as! any SQLDatabase
        let rows = try await sql.raw("""
            SELECT commune_code, neighbourhood, kind, COUNT(*) AS n FROM inventory_items
            WHERE community_id = \(bind: community.id!) AND (commune_code IS NOT NULL OR neighbourhood IS NOT NULL)
              AND (kind <> 'portrait' OR visibility <> 'coordinators') AND (kind = 'portrait' OR visibility = 'public')
            GROUP BY commune_code, neighbourhood, kind
            """).all()
        let cells = try rows.map { row in
            (commune: try row.decode(column: "commune_code", as: String?.self), neighbourhood: try row.decode(column: "neighbourhood", as: String?.self),
             kind: try row.decode(column: "kind", as: String.self), n: try row.decode(column: "n", as: Int.self))
        }
        let territory = try await CommunityTerritory.load(community, on: database)
        // Each place counts what lies in its perimeter — the rule the campaign's coverage uses.
        var counts: [String: [String: Int]] = [:]
        for cell in cells {
            if byCommune, let commune = cell.commune { counts[commune, default: [:]][cell.kind, default: 0] += cell.n }
            if !byCommune {
                for row in territory.neighbourhoods where Coverage.Neighbourhood(slug: row.record.slug, name: "", communes: row.communeCodes, population: nil,
                    drawn: row.record.geometry != nil).holds(commune: cell.commune, neighbourhood: cell.neighbourhood) {
                    counts[row.record.slug, default: [:]][cell.kind, default: 0] += cell.n
                }
            }
        }
        /// `estimated`: a drawn neighbourhood's population, by covered area (nil for communes).
        func line(_ key: String, _ name: String, _ population: Int?, estimated: Bool? = nil, organisations: Int?) -> [String?] {
            let count = counts[key] ?? [:]
            let portraits = SmallCells.publishable(count["portrait"] ?? 0)
            let rate = portraits.flatMap { value in population.flatMap { $0 > 0 ? String(format: "%.2f", Double(value) * 1000 / Double($0)) : nil } }
            var cells: [String?] = [key, name, population.map(String.init)]
            if let estimated { cells.append(String(estimated)) }
            cells.append(portraits.map(String.init))
            if let organisations { cells.append(String(organisations)) }
            cells += ["place", "equipment", "offer", "need"].map { String(count[$0] ?? 0) }
            return cells + [rate]
        }
        if byCommune {
            let organisations = try await OrganisationRecord.query(on: database).filter(\.$community.$id == community.id!).all()
            let byCode = Dictionary(grouping: organisations.compactMap(\.communeCode), by: { $0 }).mapValues(\.count)
            return territory.communes.map { line($0.code, $0.name, $0.population, organisations: byCode[$0.code] ?? 0) }
        }
        return territory.neighbourhoods.map { row in
            line(row.record.slug, row.record.name, row.population, estimated: row.record.geometry != nil, organisations: nil)
        }
    }

    func proposals(after cursor: String?, limit: Int, commune: String?) async throws -> Batch {
        var query = ProposalRecord.query(on: database).filter(\.$community.$id == community.id!).sort(\.$id).limit(limit)
        if let commune { query = query.filter(\.$communeCode == commune) }
        if let cursor = cursor.flatMap(UUID.init(uuidString:)) { query = query.filter(\.$id > cursor) }
        let records = try await query.all()
        let ids = records.compactMap(\.id)
        guard !ids.isEmpty else { return ([], nil) }
        let backings = Dictionary(grouping: try await ProposalBackingRecord.query(on: database).filter(\.$proposal.$id ~~ ids).all(), by: { $0.$proposal.id })
        let comments = Dictionary(grouping: try await CommentRecord.query(on: database).filter(\.$proposal.$id ~~ ids).filter(\.$hidden == nil).all(),
                                  by: { $0.$proposal.id })
        let register = Dictionary(try await RegisterEntryRecord.query(on: database).filter(\.$proposal.$id ~~ ids).all().map { ($0.$proposal.id, $0.status) },
                                  uniquingKeysWith: { first, _ in first })
        return (records.map { proposal in
            let arguments = comments[proposal.id!] ?? []
            func stance(_ stance: Stance) -> String { String(arguments.filter { $0.stance == stance.rawValue }.count) }
            return [proposal.id!.uuidString, proposal.title, proposal.summary, proposal.status,
                    proposal.themes.isEmpty ? nil : proposal.themes.split(separator: " ").joined(separator: ";"), proposal.communeCode,
                    String(backings[proposal.id!]?.count ?? 0), stance(.pour), stance(.contre), stance(.nuance), register[proposal.id!],
                    Self.stamp(proposal.createdAt), Self.stamp(proposal.updatedAt)]
        }, records.count == limit ? records.last?.id?.uuidString : nil)
    }

    /// Decisions with their counts once closed — never who voted or how.
    func decisions(after cursor: String?, limit: Int) async throws -> Batch {
        var query = DecisionRecord.query(on: database).filter(\.$community.$id == community.id!).sort(\.$id).limit(limit)
        if let cursor = cursor.flatMap(UUID.init(uuidString:)) { query = query.filter(\.$id > cursor) }
        let records = try await query.all()
        return (records.map { decision in
            let report = decision.result.flatMap { try? JSONDecoder().decode(TallyReport.self, from: Data($0.utf8)) }
            return [decision.id!.uuidString, decision.title, decision.kind, decision.method, decision.electorateKind, decision.phase,
                    decision.electorateSize.map(String.init), report.map { String($0.ballots) }, report?.outcome?.rawValue,
                    report.map { $0.winners.joined(separator: ";") }, Self.stamp(decision.closedAt)]
        }, records.count == limit ? records.last?.id?.uuidString : nil)
    }
}
