import Fluent

/// The one ordered list of migrations, each in its own file `NNNN_Name.swift` numbered by its
/// place here. Append only: a deployed migration is never edited (`.ci/check-migrations`).
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
