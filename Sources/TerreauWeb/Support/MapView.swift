import TerreauCore

/// A territory map as the pages draw it (`shared/map`), with its description in words.
struct MapView: Encodable {
    var map: TerritoryMap
    var description: String
    /// The CSS class prefix of the fills: `tone` (neighbourhoods) or `heat` (a sequential scale).
    var palette: String = "tone"
}
