import Fluent
import FluentSQL
import TerreauCore
import Vapor

/// The one ordered list of migrations. Append only: a deployed migration is never edited.
enum TerreauMigrations {
    static let all: [any AsyncMigration] = [
        CreateTerritoryReference(),
        CreateCommunities(),
        CreateSessions(),
        CreatePeople(),
        CreateInventory(),
        TrackInventoryChanges(),
        CreateConnections(),
        CreateCollectives(),
        CreateDecisions(),
        CreateProposals(),
        CreateEventsAndStudies(),
        CreateFieldwork(),
        CreateJournal(),
        CreateFundingLedger(),
        IndexOpenDataExports(),
        CreateDiagnosticEditions(),
        AddInstanceAdministration(),
        RecordTerritoryImportSources(),
        BindBallotReceipts(),
        CreateDecisionAmendments(),
        AddConsentProcess(),
        AddNeighbourhoodPopulationEstimate(),
        AddRegisterOverdueReminder(),
        CreateAppPasswords(),
    ]
}

struct CreateTerritoryReference: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RegionRecord.schema)
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .create()
        try await database.schema(DepartementRecord.schema)
            .field("code", .string, .identifier(auto: false))
            .field("region_code", .string, .required)
            .field("name", .string, .required)
            .field("chef_lieu", .string, .required)
            .create()
        try await database.schema(CommuneRecord.schema)
            .field("id", .string, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("departement_code", .string, .required)
            .field("region_code", .string, .required)
            .field("parent_code", .string)
            .field("population", .int)
            .field("total_population", .int)
            .unique(on: "kind", "code")
            .create()
        try await database.schema(CommuneBoundaryRecord.schema)
            .field("commune_code", .string, .identifier(auto: false))
            .field("geometry", .string, .required)
            .field("min_longitude", .double, .required)
            .field("min_latitude", .double, .required)
            .field("max_longitude", .double, .required)
            .field("max_latitude", .double, .required)
            .field("source_codes", .string, .required)
            .create()
        try await database.schema(CommuneMovementRecord.schema)
            .id()
            .field("modification", .string, .required)
            .field("effective_date", .string, .required)
            .field("kind_before", .string, .required)
            .field("code_before", .string, .required)
            .field("name_before", .string, .required)
            .field("kind_after", .string, .required)
            .field("code_after", .string, .required)
            .field("name_after", .string, .required)
            .create()
        try await database.schema(TerritoryImportRecord.schema)
            .id()
            .field("imported_at", .datetime, .required)
            .field("scope", .string, .required)
            .field("communes", .int, .required)
            .field("boundaries", .int, .required)
            .field("mapped_through_history", .int, .required)
            .field("unmatched", .string, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "communes_code").on(CommuneRecord.schema).column("code").run()
        try await sql.create(index: "communes_departement").on(CommuneRecord.schema).column("departement_code").run()
        try await sql.create(index: "commune_movements_before").on(CommuneMovementRecord.schema).column("code_before").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [TerritoryImportRecord.schema, CommuneMovementRecord.schema, CommuneBoundaryRecord.schema,
                       CommuneRecord.schema, DepartementRecord.schema, RegionRecord.schema] {
            try await database.schema(schema).delete()
        }
    }
}

struct CreateCommunities: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CommunityRecord.schema)
            .id()
            .field("slug", .string, .required)
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("contact_email", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "slug")
            .create()
        try await database.schema(CommunityCommuneRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("commune_code", .string, .required)
            .unique(on: "community_id", "commune_code")
            .create()
        try await database.schema(NeighbourhoodRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("slug", .string, .required)
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("geometry", .string)
            .field("position", .int, .required)
            .unique(on: "community_id", "slug")
            .create()
        try await database.schema(NeighbourhoodCommuneRecord.schema)
            .id()
            .field("neighbourhood_id", .uuid, .required, .references(NeighbourhoodRecord.schema, "id", onDelete: .cascade))
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("commune_code", .string, .required)
            .unique(on: "neighbourhood_id", "commune_code")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [NeighbourhoodCommuneRecord.schema, NeighbourhoodRecord.schema, CommunityCommuneRecord.schema, CommunityRecord.schema] {
            try await database.schema(schema).delete()
        }
    }
}

/// Sessions live in the database so that several instances behind a load balancer share them.
struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await SessionRecord.migration.prepare(on: database).get()
    }

    func revert(on database: any Database) async throws {
        try await SessionRecord.migration.revert(on: database).get()
    }
}

/// People, accounts, membership, organisations, consent, mail and notifications (issue 3).
struct CreatePeople: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let people = PersonRecord.schema
        try await database.schema(people)
            .id()
            .field("display_name", .string, .required)
            .field("bio", .string, .required)
            .field("profile_visibility", .string, .required)
            .field("language", .string, .required)
            .field("created_at", .datetime, .required)
            .field("erased_at", .datetime)
            .field("last_digest_at", .datetime)
            .create()
        try await database.schema(AccountRecord.schema)
            .id()
            .field("person_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("confirmed_at", .datetime)
            .field("session_epoch", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "email")
            .unique(on: "person_id")
            .create()
        try await database.schema(AccountTokenRecord.schema)
            .id()
            .field("account_id", .uuid, .required, .references(AccountRecord.schema, "id", onDelete: .cascade))
            .field("purpose", .string, .required)
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
        try await database.schema("throttle_counters")
            .field("id", .string, .identifier(auto: false))
            .field("hits", .int, .required)
            .field("expires_at", .double, .required)
            .create()
        try await database.schema(CharterVersionRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("text", .string, .required)
            .field("author_id", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .unique(on: "community_id", "version")
            .create()
        try await database.schema(MembershipRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("actor_kind", .string, .required)
            .field("roles", .string, .required)
            .field("charter_version", .int, .required)
            .field("joined_at", .datetime, .required)
            .field("elected_verified_at", .datetime)
            .unique(on: "community_id", "person_id")
            .create()
        try await database.schema(ConsentRecord.schema)
            .id()
            .field("person_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("community_id", .uuid, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("purpose", .string, .required)
            .field("text_version", .string, .required)
            .field("channel", .string, .required)
            .field("recorded_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("given_at", .datetime, .required)
            .field("withdrawn_at", .datetime)
            .create()
        try await database.schema(OrganisationRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("rna", .string)
            .field("siren", .string)
            .field("cog_code", .string)
            .field("object", .string, .required)
            .field("themes", .string, .required)
            .field("commune_code", .string)
            .field("website", .string)
            .field("source", .string, .required)
            .field("created_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "community_id", "rna")
            .create()
        try await database.schema(OrganisationMemberRecord.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(OrganisationRecord.schema, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("status", .string, .required)
            .field("message", .string, .required)
            .field("requested_at", .datetime, .required)
            .field("decided_at", .datetime)
            .field("decided_by", .uuid, .references(people, "id", onDelete: .setNull))
            .unique(on: "organisation_id", "person_id")
            .create()
        try await database.schema(OutboxRecord.schema)
            .id()
            .field("person_id", .uuid, .references(people, "id", onDelete: .cascade))
            .field("to_address", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .create()
        try await database.schema(NotificationRecord.schema)
            .id()
            .field("person_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("community_id", .uuid, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("message_key", .string, .required)
            .field("arguments", .string, .required)
            .field("link", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .field("emailed_at", .datetime)
            .create()
        try await database.schema(NotificationPreferenceRecord.schema)
            .id()
            .field("person_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("frequency", .string, .required)
            .unique(on: "person_id", "kind")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [NotificationPreferenceRecord.schema, NotificationRecord.schema, OutboxRecord.schema, OrganisationMemberRecord.schema,
            OrganisationRecord.schema, ConsentRecord.schema, MembershipRecord.schema, CharterVersionRecord.schema, "throttle_counters",
            AccountTokenRecord.schema, AccountRecord.schema, PersonRecord.schema]
        {
            try await database.schema(schema).delete()
        }
    }
}

/// The shared inventory, its revisions and the skills vocabulary. Full-text search: SQLite keeps
/// an FTS5 table in step with `inventory_items.search_text` through triggers (so deleting a row,
/// erasure included, removes its index entry); PostgreSQL indexes the same column with GIN.
struct CreateInventory: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let people = PersonRecord.schema
        try await database.schema(SkillTermRecord.schema)
            .id()
            .field("community_id", .uuid, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("key", .string, .required)
            .field("label", .string, .required)
            .field("synonyms", .string, .required)
            .field("source", .string, .required)
            .field("concept_type", .string, .required)
            .field("broader", .string, .required)
            .field("description", .string, .required)
            .field("search_text", .string, .required)
            .field("merged_into", .uuid)
            .field("proposed_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .unique(on: "key")
            .create()
        try await database.schema(SkillLabelRecord.schema)
            .id()
            .field("term_id", .uuid, .required, .references(SkillTermRecord.schema, "id", onDelete: .cascade))
            .field("folded", .string, .required)
            .create()
        try await database.schema(InventoryItemRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("visibility", .string, .required)
            .field("commune_code", .string)
            .field("neighbourhood", .string)
            .field("for_young", .bool, .required)
            .field("availability", .string, .required)
            .field("person_id", .uuid, .references(people, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .references(OrganisationRecord.schema, "id", onDelete: .cascade))
            .field("created_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("version", .int, .required)
            .field("fields", .string, .required)
            .field("search_text", .string, .required)
            .field("search_rowid", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "search_rowid")
            .create()
        try await database.schema(InventoryItemSkillRecord.schema)
            .id()
            .field("item_id", .uuid, .required, .references(InventoryItemRecord.schema, "id", onDelete: .cascade))
            .field("term_id", .uuid, .required, .references(SkillTermRecord.schema, "id", onDelete: .cascade))
            .unique(on: "item_id", "term_id")
            .create()
        try await database.schema(InventoryItemThemeRecord.schema)
            .id()
            .field("item_id", .uuid, .required, .references(InventoryItemRecord.schema, "id", onDelete: .cascade))
            .field("theme", .string, .required)
            .unique(on: "item_id", "theme")
            .create()
        try await database.schema(InventoryRevisionRecord.schema)
            .id()
            .field("item_id", .uuid, .required, .references(InventoryItemRecord.schema, "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("author_id", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("summary", .string, .required)
            .field("snapshot", .string, .required)
            .field("changes", .string, .required)
            .field("reverted_to", .int)
            .unique(on: "item_id", "version")
            .create()
        let sql = database as! any SQLDatabase
        for statement in [
            "CREATE INDEX inventory_items_browse ON inventory_items (community_id, kind, updated_at)",
            // Covers the search's filters and facets: matched rows are counted from this index
            // without reading the wide rows (fields, search text).
            "CREATE INDEX inventory_items_facets ON inventory_items (search_rowid, community_id, visibility, kind, commune_code, neighbourhood, for_young, availability, person_id, created_by, id)",
            "CREATE INDEX inventory_items_listing ON inventory_items (community_id, visibility, kind, commune_code, neighbourhood, for_young, availability, person_id, created_by, id)",
            "CREATE INDEX inventory_items_person ON inventory_items (person_id)",
            "CREATE INDEX inventory_items_organisation ON inventory_items (organisation_id)",
            "CREATE INDEX inventory_item_skills_term ON inventory_item_skills (term_id)",
            "CREATE INDEX inventory_item_themes_theme ON inventory_item_themes (theme)",
            "CREATE INDEX skill_terms_community ON skill_terms (community_id)",
            "CREATE INDEX skill_labels_folded ON skill_labels (folded)",
            "CREATE INDEX skill_labels_term ON skill_labels (term_id)",
        ] { try await sql.raw(SQLQueryString(statement)).run() }
        for statement in FullTextSearchEngines.for(sql).migration { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for statement in FullTextSearchEngines.for(sql).teardown { try await sql.raw(SQLQueryString(statement)).run() }
        for schema in [InventoryRevisionRecord.schema, InventoryItemThemeRecord.schema, InventoryItemSkillRecord.schema,
            InventoryItemRecord.schema, SkillLabelRecord.schema, SkillTermRecord.schema] {
            try await database.schema(schema).delete()
        }
    }
}

/// Each community's `inventory_generation`, moved on by the database itself at every insert,
/// update or delete of one of its inventory records — including deletes cascading from an
/// erased person — so that what is held in memory about the inventory (`InventoryFacetIndex`)
/// knows when it is stale. Also the indexes of the listing's two orders; the covering index the
/// facet counts used to scan is no longer read.
struct TrackInventoryChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CommunityRecord.schema).field("inventory_generation", .int64, .required, .sql(.default(0))).update()
        let sql = database as! any SQLDatabase
        let triggers: [String]
        if sql.dialect.name == "sqlite" {
            triggers = [("insert", "new.community_id"), ("update", "new.community_id OR id = old.community_id"), ("delete", "old.community_id")]
                .map { operation, communities in
                    """
                    CREATE TRIGGER inventory_generation_\(operation) AFTER \(operation.uppercased()) ON inventory_items
                    BEGIN UPDATE communities SET inventory_generation = inventory_generation + 1 WHERE id = \(communities); END
                    """
                }
        } else {
            // Once per statement, not per row: a bulk insert moves the generation on once.
            triggers = ["""
                CREATE FUNCTION inventory_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  UPDATE communities SET inventory_generation = inventory_generation + 1 WHERE id IN (SELECT community_id FROM changed_rows);
                  RETURN NULL;
                END $$
                """] + [("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")].map { operation, table in
                    """
                    CREATE TRIGGER inventory_generation_\(operation) AFTER \(operation.uppercased()) ON inventory_items
                    REFERENCING \(table) TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION inventory_generation_bump()
                    """
                }
        }
        for statement in triggers + [
            "CREATE INDEX inventory_items_recent ON inventory_items (community_id, updated_at)",
            "CREATE INDEX inventory_items_title ON inventory_items (community_id, title)",
            "DROP INDEX inventory_items_facets",
        ] { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for operation in ["insert", "update", "delete"] { try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: "inventory_generation_" + operation)\(unsafeRaw: sql.dialect.name == "sqlite" ? "" : " ON inventory_items")").run() }
        if sql.dialect.name != "sqlite" { try await sql.raw("DROP FUNCTION IF EXISTS inventory_generation_bump()").run() }
        for statement in [
            "DROP INDEX IF EXISTS inventory_items_recent", "DROP INDEX IF EXISTS inventory_items_title",
            "CREATE INDEX inventory_items_facets ON inventory_items (search_rowid, community_id, visibility, kind, commune_code, neighbourhood, for_young, availability, person_id, created_by, id)",
        ] { try await sql.raw(SQLQueryString(statement)).run() }
        try await database.schema(CommunityRecord.schema).deleteField("inventory_generation").update()
    }
}

/// Matching (issue 6): which communes touch (computed from the boundaries already imported) and
/// the connections members ask for and accept.
struct CreateConnections: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CommuneNeighbourRecord.schema)
            .id()
            .field("commune_code", .string, .required)
            .field("neighbour_code", .string, .required)
            .unique(on: "commune_code", "neighbour_code")
            .create()
        let boundaries = try await CommuneBoundaryRecord.query(on: database).all().compactMap { record in
            GeoJSON.geometry(fromText: record.geometry).map { CommuneBoundary(communeCode: record.id!, geometry: $0, sourceCodes: []) }
        }
        try await TerritoryStore.storeNeighbours(Adjacency.neighbours(boundaries), on: database)

        let people = PersonRecord.schema
        try await database.schema(ConnectionRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("requester_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("recipient_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("item_id", .uuid, .required, .references(InventoryItemRecord.schema, "id", onDelete: .cascade))
            .field("about_id", .uuid, .references(InventoryItemRecord.schema, "id", onDelete: .setNull))
            .field("message", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("decided_at", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX connections_recipient ON connections (recipient_id, status)").run()
        try await sql.raw("CREATE INDEX connections_requester ON connections (requester_id)").run()
        // One open request per person and record: asking twice changes nothing (R3's spirit).
        try await sql.raw("CREATE UNIQUE INDEX connections_open ON connections (requester_id, item_id) WHERE status = 'requested'").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ConnectionRecord.schema).delete()
        try await database.schema(CommuneNeighbourRecord.schema).delete()
    }
}

/// Collectives (issue 6): organisations gathering others around a theme, and who joined them.
struct CreateCollectives: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let organisations = OrganisationRecord.schema, people = PersonRecord.schema
        try await database.schema(CollectiveRecord.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(organisations, "id", onDelete: .cascade))
            .field("founder_id", .uuid, .references(organisations, "id", onDelete: .setNull))
            .field("duration", .string, .required)
            .field("ends_on", .datetime)
            .unique(on: "organisation_id")
            .create()
        try await database.schema(CollectiveMemberRecord.schema)
            .id()
            .field("collective_id", .uuid, .required, .references(organisations, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(organisations, "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("invited_at", .datetime, .required)
            .field("invited_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("joined_at", .datetime)
            .field("answered_at", .datetime)
            .field("answered_by", .uuid, .references(people, "id", onDelete: .setNull))
            .unique(on: "collective_id", "organisation_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX collective_members_organisation ON collective_members (organisation_id, status)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CollectiveMemberRecord.schema).delete()
        try await database.schema(CollectiveRecord.schema).delete()
    }
}

/// Decisions (issue 8): governance versions (every existing community starts from the consent
/// template), decisions, their electorate and their hash-chained ballot log.
struct CreateDecisions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let people = PersonRecord.schema, communities = CommunityRecord.schema
        try await database.schema(DecisionRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(communities, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("method", .string, .required)
            .field("title", .string, .required)
            .field("text", .string, .required)
            .field("options", .string, .required)
            .field("grades", .string, .required)
            .field("settings", .string, .required)
            .field("proposed_rules", .string)
            .field("phase", .string, .required)
            .field("rules_version", .int, .required)
            .field("electorate_kind", .string, .required)
            .field("secret", .bool, .required)
            .field("quorum", .double)
            .field("round", .int, .required)
            .field("created_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("deliberation_started_at", .datetime)
            .field("voting_opened_at", .datetime)
            .field("voting_ends_at", .datetime)
            .field("electorate_size", .int)
            .field("closed_at", .datetime)
            .field("result", .string)
            .field("head_hash", .string)
            .field("outcome_statement", .string)
            .field("review_on", .datetime)
            .field("rules_refusal", .string)
            .create()
        try await database.schema(GovernanceRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(communities, "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("rules", .string, .required)
            .field("template", .string)
            .field("decision_id", .uuid, .references(DecisionRecord.schema, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .unique(on: "community_id", "version")
            .create()
        try await database.schema(BallotRecord.schema)
            .id()
            .field("decision_id", .uuid, .required, .references(DecisionRecord.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("ballot_key", .string, .required)
            .field("content", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "decision_id", "position")
            .create()
        let sql = database as! any SQLDatabase
        // The electorate, fixed when voting opens: who may vote and whether they have — nothing
        // else, and no insertion order (SQLite: no rowid; the key is random-looking), so it
        // cannot be joined with the order of the ballot log (R4).
        let withoutRowID = sql.dialect.name == "sqlite" ? " WITHOUT ROWID" : ""
        try await sql.raw(SQLQueryString("""
            CREATE TABLE decision_electors (
                decision_id \(unsafeRaw: sql.dialect.name == "sqlite" ? "BLOB" : "UUID") NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
                voter_key TEXT NOT NULL,
                person_id \(unsafeRaw: sql.dialect.name == "sqlite" ? "BLOB" : "UUID") REFERENCES people (id) ON DELETE CASCADE,
                organisation_id \(unsafeRaw: sql.dialect.name == "sqlite" ? "BLOB" : "UUID") REFERENCES organisations (id) ON DELETE CASCADE,
                has_voted BOOLEAN NOT NULL,
                PRIMARY KEY (decision_id, voter_key)
            )\(unsafeRaw: withoutRowID)
            """)).run()
        try await sql.raw("CREATE INDEX ballots_key ON ballots (decision_id, ballot_key)").run()
        try await sql.raw("CREATE INDEX decisions_community ON decisions (community_id, phase)").run()
        let now = Date()
        for community in try await CommunityRecord.query(on: database).all() {
            try await DecisionStore.storeFirstRules(RulesTemplate.consent, for: community.id!, on: database, now: now)
        }
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP TABLE decision_electors").run()
        try await database.schema(BallotRecord.schema).delete()
        try await database.schema(GovernanceRecord.schema).delete()
        try await database.schema(DecisionRecord.schema).delete()
    }
}

/// Proposals and their debate, the register of proposals to officials, calls for support with
/// peer evaluation, officials' recognitions and commitments (issue 7); decisions deliberate on
/// a proposal, and a rule change may carry a new charter text (issue 8).
struct CreateProposals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let people = PersonRecord.schema, proposals = ProposalRecord.schema
        try await database.schema(proposals)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("summary", .string, .required)
            .field("themes", .string, .required)
            .field("commune_code", .string)
            .field("status", .string, .required)
            .field("author_id", .uuid, .references(people, "id", onDelete: .setNull))
            .field("organisation_id", .uuid, .references(OrganisationRecord.schema, "id", onDelete: .setNull))
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema(ProposalVersionRecord.schema)
            .id()
            .field("proposal_id", .uuid, .required, .references(proposals, "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("title", .string, .required)
            .field("summary", .string, .required)
            .field("edited_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("edited_at", .datetime, .required)
            .field("after_backing", .bool, .required)
            .unique(on: "proposal_id", "version")
            .create()
        try await database.schema(ProposalEventRecord.schema)
            .id()
            .field("proposal_id", .uuid, .required, .references(proposals, "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("note", .string, .required)
            .field("person_id", .uuid, .references(people, "id", onDelete: .setNull))
            .field("decision_id", .uuid, .references(DecisionRecord.schema, "id", onDelete: .setNull))
            .field("at", .datetime, .required)
            .create()
        try await database.schema(ProposalCoauthorRecord.schema)
            .id()
            .field("proposal_id", .uuid, .required, .references(proposals, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .unique(on: "proposal_id", "person_id")
            .create()
        try await database.schema(ProposalNeedRecord.schema)
            .id()
            .field("proposal_id", .uuid, .required, .references(proposals, "id", onDelete: .cascade))
            .field("item_id", .uuid, .required, .references(InventoryItemRecord.schema, "id", onDelete: .cascade))
            .unique(on: "proposal_id", "item_id")
            .create()
        try await database.schema(ProposalBackingRecord.schema)
            .id()
            .field("proposal_id", .uuid, .required, .references(proposals, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(OrganisationRecord.schema, "id", onDelete: .cascade))
            .field("backed_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .unique(on: "proposal_id", "organisation_id")
            .create()
        try await database.schema(ProposalFollowerRecord.schema)
            .id()
            .field("proposal_id", .uuid, .required, .references(proposals, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .unique(on: "proposal_id", "person_id")
            .create()
        try await database.schema(CommentRecord.schema)
            .id()
            .field("proposal_id", .uuid, .required, .references(proposals, "id", onDelete: .cascade))
            .field("parent_id", .uuid, .references(CommentRecord.schema, "id", onDelete: .cascade))
            .field("author_id", .uuid, .references(people, "id", onDelete: .setNull))
            .field("stance", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .field("hidden", .string)
            .field("reports", .int, .required)
            .field("appeal", .string, .required)
            .field("appeal_text", .string)
            .create()
        try await database.schema(CommentReportRecord.schema)
            .id()
            .field("comment_id", .uuid, .required, .references(CommentRecord.schema, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("reason", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "comment_id", "person_id")
            .create()
        try await database.schema(ModerationLogRecord.schema)
            .id()
            .field("comment_id", .uuid, .required, .references(CommentRecord.schema, "id", onDelete: .cascade))
            .field("action", .string, .required)
            .field("reason", .string, .required)
            .field("person_id", .uuid, .references(people, "id", onDelete: .setNull))
            .field("at", .datetime, .required)
            .create()
        try await database.schema(DecisionRecord.schema)
            .field("proposal_id", .uuid, .references(proposals, "id", onDelete: .setNull))
            .update()
        try await database.schema(DecisionRecord.schema).field("proposed_charter", .string).update()
        try await database.schema(CharterVersionRecord.schema)
            .field("decision_id", .uuid, .references(DecisionRecord.schema, "id", onDelete: .setNull))
            .update()
        try await database.schema(RegisterEntryRecord.schema)
            .id()
            .field("proposal_id", .uuid, .required, .references(proposals, "id", onDelete: .cascade))
            .field("official_id", .uuid, .references(people, "id", onDelete: .setNull))
            .field("body", .string)
            .field("body_place", .string)
            .field("status", .string, .required)
            .field("deposited_at", .datetime, .required)
            .field("deposited_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("updated_at", .datetime, .required)
            .unique(on: "proposal_id")
            .create()
        try await database.schema(RegisterEventRecord.schema)
            .id()
            .field("entry_id", .uuid, .required, .references(RegisterEntryRecord.schema, "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("note", .string, .required)
            .field("person_id", .uuid, .references(people, "id", onDelete: .setNull))
            .field("at", .datetime, .required)
            .create()
        try await database.schema(CallRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("criteria", .string, .required)
            .field("grades", .string, .required)
            .field("phase", .string, .required)
            .field("applications_close", .datetime, .required)
            .field("created_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("decision_id", .uuid, .references(DecisionRecord.schema, "id", onDelete: .setNull))
            .create()
        try await database.schema(CallApplicationRecord.schema)
            .id()
            .field("call_id", .uuid, .required, .references(CallRecord.schema, "id", onDelete: .cascade))
            .field("proposal_id", .uuid, .required, .references(proposals, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(OrganisationRecord.schema, "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .unique(on: "call_id", "proposal_id")
            .create()
        try await database.schema(PeerGradeRecord.schema)
            .id()
            .field("application_id", .uuid, .required, .references(CallApplicationRecord.schema, "id", onDelete: .cascade))
            .field("evaluator_id", .uuid, .required, .references(OrganisationRecord.schema, "id", onDelete: .cascade))
            .field("criterion", .int, .required)
            .field("grade", .int, .required)
            .field("graded_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("graded_at", .datetime, .required)
            .unique(on: "application_id", "evaluator_id", "criterion")
            .create()
        try await database.schema(RecognitionRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("official_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("statement", .string, .required)
            .field("signed_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "community_id", "official_id")
            .create()
        try await database.schema(CommitmentRecord.schema)
            .id()
            .field("recognition_id", .uuid, .required, .references(RecognitionRecord.schema, "id", onDelete: .cascade))
            .field("text", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(CommitmentEventRecord.schema)
            .id()
            .field("commitment_id", .uuid, .required, .references(CommitmentRecord.schema, "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("note", .string, .required)
            .field("at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX proposals_community ON proposals (community_id, status)").run()
        try await sql.raw("CREATE INDEX comments_proposal ON comments (proposal_id, created_at)").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [CommitmentEventRecord.schema, CommitmentRecord.schema, RecognitionRecord.schema, PeerGradeRecord.schema,
                       CallApplicationRecord.schema, CallRecord.schema, RegisterEventRecord.schema, RegisterEntryRecord.schema, ModerationLogRecord.schema, CommentReportRecord.schema, CommentRecord.schema, ProposalFollowerRecord.schema,
                       ProposalBackingRecord.schema, ProposalNeedRecord.schema, ProposalCoauthorRecord.schema, ProposalEventRecord.schema,
                       ProposalVersionRecord.schema] {
            try await database.schema(schema).delete()
        }
        try await database.schema(DecisionRecord.schema).deleteField("proposal_id").deleteField("proposed_charter").update()
        try await database.schema(CharterVersionRecord.schema).deleteField("decision_id").update()
        try await database.schema(ProposalRecord.schema).delete()
    }
}

/// Events with registrations, festivals, the library of public studies and requests (issue 10).
struct CreateEventsAndStudies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let people = PersonRecord.schema, communities = CommunityRecord.schema, events = EventRecord.schema
        try await database.schema(events)
            .id()
            .field("community_id", .uuid, .required, .references(communities, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("topic", .string)
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("place_id", .uuid, .references(InventoryItemRecord.schema, "id", onDelete: .setNull))
            .field("address", .string, .required)
            .field("capacity", .int)
            .field("cancelled", .bool, .required)
            .field("minutes", .string)
            .field("attendance", .int)
            .field("created_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("reminded_at", .datetime)
            .create()
        try await database.schema(EventOrganiserRecord.schema)
            .id()
            .field("event_id", .uuid, .required, .references(events, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(OrganisationRecord.schema, "id", onDelete: .cascade))
            .field("role", .string, .required)
            .unique(on: "event_id", "organisation_id", "role")
            .create()
        try await database.schema(EventRegistrationRecord.schema)
            .id()
            .field("event_id", .uuid, .required, .references(events, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("registered_at", .datetime, .required)
            .field("rank", .int, .required)
            .field("attended", .bool, .required)
            .unique(on: "event_id", "person_id")
            .create()
        try await database.schema(FestivalRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(communities, "id", onDelete: .cascade))
            .field("slug", .string, .required)
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("first_day", .datetime, .required)
            .field("last_day", .datetime, .required)
            .unique(on: "slug")
            .create()
        try await database.schema(StudyRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(communities, "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("commissioner", .string, .required)
            .field("author", .string, .required)
            .field("year", .int, .required)
            .field("amount", .int)
            .field("territory", .string, .required)
            .field("themes", .string, .required)
            .field("licence", .string, .required)
            .field("stored_name", .string, .required)
            .field("original_name", .string, .required)
            .field("size", .int, .required)
            .field("search_text", .string, .required)
            .field("extraction", .string, .required)
            .field("uploaded_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(StudyRequestRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(communities, "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("details", .string, .required)
            .field("requested_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("status", .string, .required)
            .field("answer", .string, .required)
            .field("study_id", .uuid, .references(StudyRecord.schema, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("answered_at", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX events_community ON events (community_id, starts_at)").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [StudyRequestRecord.schema, StudyRecord.schema, FestivalRecord.schema, EventRegistrationRecord.schema,
                       EventOrganiserRecord.schema, EventRecord.schema] {
            try await database.schema(schema).delete()
        }
    }
}

struct CreateFieldwork: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let people = PersonRecord.schema, communities = CommunityRecord.schema
        try await database.schema(QuestionnaireVersionRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(communities, "id", onDelete: .cascade))
            .field("number", .int, .required)
            .field("status", .string, .required)
            .field("content", .string, .required)
            .field("note", .string, .required)
            .field("edited_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("updated_at", .datetime, .required)
            .field("published_at", .datetime)
            .field("published_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("debate_id", .uuid, .references(ProposalRecord.schema, "id", onDelete: .setNull))
            .unique(on: "community_id", "number")
            .create()
        try await database.schema(CampaignRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(communities, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("first_day", .datetime, .required)
            .field("last_day", .datetime)
            .field("census_year", .int, .required)
            .field("created_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(CampaignTargetRecord.schema)
            .id()
            .field("campaign_id", .uuid, .required, .references(CampaignRecord.schema, "id", onDelete: .cascade))
            .field("place", .string, .required)
            .field("target", .int, .required)
            .unique(on: "campaign_id", "place")
            .create()
        try await database.schema(InterviewerRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(communities, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("trained_on", .datetime, .required)
            .field("trainer", .string, .required)
            .field("charter_version", .string, .required)
            .field("charter_accepted_at", .datetime, .required)
            .field("registered_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("registered_at", .datetime, .required)
            .unique(on: "community_id", "person_id")
            .create()
        try await database.schema(AssignmentRecord.schema)
            .id()
            .field("interviewer_id", .uuid, .required, .references(InterviewerRecord.schema, "id", onDelete: .cascade))
            .field("campaign_id", .uuid, .required, .references(CampaignRecord.schema, "id", onDelete: .cascade))
            .field("commune_code", .string)
            .field("neighbourhood", .string)
            .field("first_day", .datetime, .required)
            .field("last_day", .datetime, .required)
            .field("assigned_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("assigned_at", .datetime, .required)
            .create()
        try await database.schema(InterviewRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(communities, "id", onDelete: .cascade))
            .field("campaign_id", .uuid, .references(CampaignRecord.schema, "id", onDelete: .setNull))
            .field("assignment_id", .uuid, .references(AssignmentRecord.schema, "id", onDelete: .setNull))
            .field("person_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("interviewer_id", .uuid, .references(people, "id", onDelete: .setNull))
            .field("item_id", .uuid, .references(InventoryItemRecord.schema, "id", onDelete: .setNull))
            .field("questionnaire_version", .int, .required)
            .field("channel", .string, .required)
            .field("form_number", .string)
            .field("idempotency_key", .string, .required)
            .field("answers", .string, .required)
            .field("commune_code", .string)
            .field("neighbourhood", .string)
            .field("recorded_at", .datetime, .required)
            .unique(on: "community_id", "idempotency_key")
            .unique(on: "community_id", "form_number")
            .create()
        try await database.schema(PortraitClaimRecord.schema)
            .id()
            .field("person_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "code_hash")
            .create()
        try await database.schema(StaffReadRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(communities, "id", onDelete: .cascade))
            .field("reader_id", .uuid, .references(people, "id", onDelete: .setNull))
            .field("subject_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("what", .string, .required)
            .field("read_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [StaffReadRecord.schema, PortraitClaimRecord.schema, InterviewRecord.schema, AssignmentRecord.schema,
                       InterviewerRecord.schema, CampaignTargetRecord.schema, CampaignRecord.schema, QuestionnaireVersionRecord.schema] {
            try await database.schema(schema).delete()
        }
    }
}

struct CreateJournal: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(JournalEntryRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("recorded_at", .datetime, .required)
            .field("act", .string, .required)
            .field("subject", .string, .required)
            .field("subject_id", .string, .required)
            .field("summary", .string, .required)
            .field("is_public", .bool, .required)
            .field("hash", .string, .required)
            .unique(on: "community_id", "position")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(JournalEntryRecord.schema).delete()
    }
}

struct CreateFundingLedger: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let people = PersonRecord.schema
        try await database.schema(FundingEntryRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("contributor", .string, .required)
            .field("organisation_id", .uuid, .references(OrganisationRecord.schema, "id", onDelete: .setNull))
            .field("amount", .int)
            .field("hours", .double)
            .field("description", .string, .required)
            .field("received_on", .datetime, .required)
            .field("version", .int, .required)
            .field("entered_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema(FundingRevisionRecord.schema)
            .id()
            .field("entry_id", .uuid, .required, .references(FundingEntryRecord.schema, "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("snapshot", .string, .required)
            .field("reason", .string, .required)
            .field("author_id", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .unique(on: "entry_id", "version")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(FundingRevisionRecord.schema).delete()
        try await database.schema(FundingEntryRecord.schema).delete()
    }
}

/// The open data reads public records of one kind in id order, batch after batch: this index
/// makes each batch a range read instead of a sort of the whole table.
struct IndexOpenDataExports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("CREATE INDEX inventory_items_export ON inventory_items (community_id, kind, visibility, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX inventory_items_export").run()
    }
}

struct CreateDiagnosticEditions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DiagnosticEditionRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("number", .int, .required)
            .field("decision_id", .uuid, .required, .references(DecisionRecord.schema, "id", onDelete: .restrict))
            .field("snapshot", .string, .required)
            .field("published_by", .uuid, .references(PersonRecord.schema, "id", onDelete: .setNull))
            .field("published_at", .datetime, .required)
            .unique(on: "community_id", "number")
            .unique(on: "decision_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DiagnosticEditionRecord.schema).delete()
    }
}
