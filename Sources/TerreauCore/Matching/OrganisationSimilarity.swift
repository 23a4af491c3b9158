import Foundation

/// What similarity needs to know of an organisation: its fields of action and its own words
/// (the register's `objet social`, its activities, its description).
public struct OrganisationProfile: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var themes: [String]
    public var text: String

    public init(id: UUID, name: String, themes: [String], text: String) {
        self.id = id
        self.name = name
        self.themes = themes
        self.text = text
    }
}

public struct SimilarOrganisation: Sendable, Equatable {
    public var id: UUID
    public var name: String
    /// 0…1.
    public var score: Double
    public var sharedThemes: [String]
    /// The shared words that weigh most (stemmed, at most four).
    public var sharedWords: [String]
}

/// « Associations proches »: half from the fields of action they share (Jaccard), half from the
/// cosine of their purposes as TF-IDF vectors over French words (accents folded, stop words
/// dropped, light stemming — `SearchText.terms`). A word every organisation uses weighs nothing;
/// one only two of them use weighs most.
public struct OrganisationSimilarity: Sendable {
    public static let minimumScore = 0.12

    public let profiles: [OrganisationProfile]
    /// Each profile's unit vector: (word id, weight), by word id.
    private var vectors: [[(word: Int32, weight: Double)]] = []
    private var postings: [[Int32]] = []
    private var words: [String] = []

    public init(_ profiles: [OrganisationProfile]) {
        self.profiles = profiles
        var ids: [String: Int32] = [:]
        var counts: [[Int32: Int]] = []
        var frequency: [Int] = []
        for profile in profiles {
            var termCounts: [Int32: Int] = [:]
            for term in SearchText.terms(profile.text) {
                let id: Int32
                if let known = ids[term] { id = known } else {
                    id = Int32(words.count)
                    ids[term] = id
                    words.append(term)
                    frequency.append(0)
                }
                termCounts[id, default: 0] += 1
            }
            for id in termCounts.keys { frequency[Int(id)] += 1 }
            counts.append(termCounts)
        }
        postings = [[Int32]](repeating: [], count: words.count)
        let documents = Double(profiles.count)
        for (index, termCounts) in counts.enumerated() {
            var vector = termCounts.map { id, count in
                // Smoothed IDF; a word in every document gets log(1) = 0.
                (word: id, weight: (1 + log(Double(count))) * log(documents / Double(frequency[Int(id)])))
            }.filter { $0.weight > 0 }
            let norm = sqrt(vector.reduce(0) { $0 + $1.weight * $1.weight })
            if norm > 0 { vector = vector.map { ($0.word, $0.weight / norm) } }
            vector.sort { $0.word < $1.word }
            for entry in vector { postings[Int(entry.word)].append(Int32(index)) }
            vectors.append(vector)
        }
    }

    /// The organisations closest to the one at `index`, best first.
    public func similar(to index: Int, limit: Int = 5) -> [SimilarOrganisation] {
        var dot: [Int32: Double] = [:]
        for entry in vectors[index] {
            for other in postings[Int(entry.word)] where Int(other) != index { dot[other, default: 0] += entry.weight * weight(Int(other), entry.word) }
        }
        let themes = Set(profiles[index].themes)
        var candidates = Set(dot.keys)
        for (other, profile) in profiles.enumerated() where other != index && !themes.isDisjoint(with: profile.themes) { candidates.insert(Int32(other)) }
        var found: [SimilarOrganisation] = []
        for other in candidates {
            let profile = profiles[Int(other)]
            let shared = themes.intersection(profile.themes)
            let union = themes.union(profile.themes)
            let jaccard = union.isEmpty ? 0 : Double(shared.count) / Double(union.count)
            let cosine = dot[other] ?? 0
            let score = 0.5 * jaccard + 0.5 * cosine
            guard score >= Self.minimumScore else { continue }
            let sharedWords = vectors[index].compactMap { entry -> (String, Double)? in
                let theirs = weight(Int(other), entry.word)
                return theirs > 0 ? (words[Int(entry.word)], entry.weight * theirs) : nil
            }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }.prefix(4).map(\.0)
            found.append(SimilarOrganisation(id: profile.id, name: profile.name, score: (score * 1000).rounded() / 1000,
                sharedThemes: profiles[index].themes.filter(shared.contains), sharedWords: Array(sharedWords)))
        }
        return Array(found.sorted { ($0.score, $1.name) > ($1.score, $0.name) }.prefix(limit))
    }

    private func weight(_ document: Int, _ word: Int32) -> Double {
        let vector = vectors[document]
        var low = 0, high = vector.count
        while low < high {
            let middle = (low + high) / 2
            if vector[middle].word < word { low = middle + 1 } else { high = middle }
        }
        return low < vector.count && vector[low].word == word ? vector[low].weight : 0
    }
}

/// The community's organisations as a picture: grouped by their main field of action around a
/// circle, a line between each organisation and its closest ones. Coordinates are SVG user units.
public struct OrganisationNetwork: Sendable, Equatable, Encodable {
    public struct Node: Sendable, Equatable, Encodable {
        public var id: UUID
        public var name: String
        public var theme: String
        public var x: Double
        public var y: Double
        /// Where the name goes, outside the circle, and which way it runs.
        public var labelX: Double
        public var labelY: Double
        public var anchor: String
        public var tone: Int
    }

    public struct Edge: Sendable, Equatable, Encodable {
        public var from: String
        public var to: String
        public var x1: Double, y1: Double, x2: Double, y2: Double
        /// Line width from the similarity.
        public var width: Double
    }

    public var size: Double
    /// Names are written beside the nodes only when there are few enough to stay legible; the
    /// table under the picture names them all anyway.
    public var showLabels: Bool
    public var nodes: [Node]
    public var edges: [Edge]
    /// Main themes in drawing order.
    public var themes: [String]
    /// The legend: the fields with a colour of their own (the most frequent, `tones - 1` of
    /// them), in tone order; every other field shares the last tone, listed in `others` — eight
    /// colours for sixteen fields used to repeat without saying so (issue 22).
    public var coloured: [String]
    public var others: [String]

    /// `closest`: each organisation's similar ones (as `OrganisationSimilarity.similar` gives them).
    public static func layout(_ profiles: [OrganisationProfile], closest: [[SimilarOrganisation]], size: Double = 640, tones: Int = 8) -> OrganisationNetwork {
        let order = profiles.indices.sorted { (profiles[$0].themes.first ?? "~", profiles[$0].name) < (profiles[$1].themes.first ?? "~", profiles[$1].name) }
        var themes: [String] = []
        for index in order where !themes.contains(profiles[index].themes.first ?? "autre") { themes.append(profiles[index].themes.first ?? "autre") }
        var counts: [String: Int] = [:]
        for profile in profiles { counts[profile.themes.first ?? "autre", default: 0] += 1 }
        let byCount = themes.sorted { (counts[$0]!, $1) > (counts[$1]!, $0) }
        let coloured = themes.count <= tones ? themes : Array(byCount.prefix(tones - 1))
        let others = themes.filter { !coloured.contains($0) }
        let centre = size / 2, radius = size * 0.3
        var nodes: [Node] = []
        var place: [UUID: (Double, Double)] = [:]
        for (rank, index) in order.enumerated() {
            let angle = 2 * Double.pi * Double(rank) / Double(max(order.count, 1)) - Double.pi / 2
            let x = centre + radius * cos(angle), y = centre + radius * sin(angle)
            let theme = profiles[index].themes.first ?? "autre"
            place[profiles[index].id] = (x, y)
            nodes.append(Node(id: profiles[index].id, name: profiles[index].name, theme: theme, x: rounded(x), y: rounded(y),
                labelX: rounded(centre + (radius + 10) * cos(angle)), labelY: rounded(centre + (radius + 10) * sin(angle) + 4),
                anchor: cos(angle) < -0.1 ? "end" : (cos(angle) > 0.1 ? "start" : "middle"), tone: coloured.firstIndex(of: theme) ?? tones - 1))
        }
        var edges: [Edge] = []
        var drawn = Set<String>()
        for (index, neighbours) in closest.enumerated() where index < profiles.count {
            for other in neighbours {
                let key = [profiles[index].id.uuidString, other.id.uuidString].sorted().joined()
                guard let a = place[profiles[index].id], let b = place[other.id], drawn.insert(key).inserted else { continue }
                edges.append(Edge(from: profiles[index].name, to: other.name, x1: rounded(a.0), y1: rounded(a.1), x2: rounded(b.0), y2: rounded(b.1),
                    width: rounded(0.5 + 3 * other.score)))
            }
        }
        return OrganisationNetwork(size: size, showLabels: nodes.count <= 40, nodes: nodes, edges: edges, themes: themes, coloured: coloured, others: others)
    }

    private static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
