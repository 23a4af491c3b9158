import Foundation

/// One inventory record as matching sees it: a need, or something that may answer one.
public struct MatchRecord: Sendable, Equatable {
    public var id: UUID
    public var kind: InventoryKind
    /// `need_type`, `offer_type`, `place_type` or `equipment_type`, whichever the kind has.
    public var subtype: String
    public var visibility: Visibility
    public var title: String
    /// The record's own words: description, what they share, enjoy, their activities.
    public var text: String
    /// Vocabulary keys.
    public var skills: [String]
    public var themes: [String]
    public var commune: String?
    public var neighbourhood: String?
    public var availability: String
    public var young: Bool
    /// The person a portrait is about.
    public var person: UUID?
    public var creator: UUID?
    public var organisation: UUID?

    public init(id: UUID, kind: InventoryKind, subtype: String = "", visibility: Visibility = .public, title: String = "", text: String = "",
                skills: [String] = [], themes: [String] = [], commune: String? = nil, neighbourhood: String? = nil, availability: String = "",
                young: Bool = false, person: UUID? = nil, creator: UUID? = nil, organisation: UUID? = nil) {
        self.id = id
        self.kind = kind
        self.subtype = subtype
        self.visibility = visibility
        self.title = title
        self.text = text
        self.skills = skills
        self.themes = themes
        self.commune = commune
        self.neighbourhood = neighbourhood
        self.availability = availability
        self.young = young
        self.person = person
        self.creator = creator
        self.organisation = organisation
    }
}

/// Why a candidate is suggested; each becomes one sentence in French (`match.reason.*`).
public enum MatchReason: Equatable, Sendable {
    /// `held` answers `needed` at this level (for `.text`, `held` is the wording found).
    case skill(SkillLevel, needed: String, held: String)
    /// Uncommon words the need and the candidate share (needs written without vocabulary skills).
    case words([String])
    case sameNeighbourhood(String)
    case sameCommune(String)
    case neighbouringCommune(String)
    /// Slots both are available on (at most three named).
    case availability([String])
    case occasionally
    case theme(String)
    /// A place or equipment for a need of a place or equipment.
    case fits(InventoryKind)
}

public struct Suggestion: Equatable, Sendable {
    public var candidate: UUID
    public var kind: InventoryKind
    public var title: String
    /// 0…1.
    public var score: Double
    public var reasons: [MatchReason]

    /// A record listed without a score (nothing to rank it by).
    public static func unranked(_ record: MatchRecord) -> Suggestion {
        Suggestion(candidate: record.id, kind: record.kind, title: record.title, score: 0, reasons: [])
    }
}

/// Ranks what could answer a need: portraits, organisations, offers, places and equipment.
///
/// Score (0…1), for needs of people (volunteers, expertise, other): 0.55 × skills (each needed
/// skill's best answer, averaged: exact 1, merged synonym 0.95, narrower 0.8, broader 0.6, in
/// their own words 0.55, sibling 0.4 — or, for a need named without vocabulary skills, the share
/// of its uncommon words found) + 0.2 × distance + 0.15 × availability + 0.1 × a shared theme. A
/// candidate needs some skill or word in common to be suggested at all. For needs of a place or
/// equipment: 0.45 for being one + 0.3 × distance + 0.25 × a shared theme.
///
/// Distance: same neighbourhood 1, same commune 0.7, a neighbouring commune 0.4, elsewhere 0.1,
/// unknown 0.2. Availability: a common slot 1, « occasionally » 0.6, unknown 0.5, none 0.
///
/// Nobody is suggested to someone who may not see them (quality S6): a candidate counts only
/// when `Policy.canSee` lets the viewer see it; « statistics only » portraits never appear. The
/// need's own person and organisation are not suggested to it.
///
/// Built once per inventory state (inverted lists by skill, word and commune), then each need
/// is answered by visiting only the candidates those lists name.
public struct Matcher: Sendable {
    public static let minimumScore = 0.3
    /// At or above it a need counts as covered in the report of uncovered needs.
    public static let goodScore = 0.55

    /// What kinds of candidates answer a need, as bits of `Group`.
    private enum Group: UInt8 { case people = 1, place = 2, equipment = 4 }

    private struct Candidate: Sendable {
        var kind: InventoryKind
        var group: UInt8
        var visibility: Visibility
        var commune: Int32
        var neighbourhood: Int32
        var availability: UInt32
        var themes: Set<Int16>
        var person: UUID?
        var organisation: UUID?
        var wordStart: Int32
        var wordCount: Int32
    }

    public let skills: SkillGraph
    public let records: [MatchRecord]
    private var candidates: [Candidate] = []
    /// Each candidate's index in `records`.
    private var candidateRecords: [Int32] = []
    /// Sorted word ids of each candidate, flat.
    private var words: [Int32] = []
    private var wordIDs: [String: Int32] = [:]
    private var wordNames: [String] = []
    private var wordPostings: [[Int32]] = []
    /// Per canonical term, the candidates holding it (or a term merged into it).
    private var skillPostings: [[Int32]]
    /// Each candidate's own terms, to tell the very term from a merged synonym.
    private var heldTerms: [[Int32]] = []
    private var communes: [String] = []
    private var communeIDs: [String: Int32] = [:]
    private var neighbourhoods: [String: Int32] = [:]
    private var neighbours: [[Int32]] = []
    /// Places and equipment by commune id (the last list: those without a commune).
    private var placesByCommune: [[Int32]] = []
    private var equipmentByCommune: [[Int32]] = []
    public private(set) var needs: [Int] = []

    public init(records: [MatchRecord], skills: SkillGraph, neighbours: [String: Set<String>]) {
        self.skills = skills
        self.records = records
        skillPostings = [[Int32]](repeating: [], count: skills.terms.count)
        var themeIDs: [String: Int16] = [:]
        for (index, theme) in Themes.all.enumerated() { themeIDs[theme] = Int16(index) }
        func commune(_ code: String?) -> Int32 {
            guard let code else { return -1 }
            if let id = communeIDs[code] { return id }
            communes.append(code)
            communeIDs[code] = Int32(communes.count - 1)
            return Int32(communes.count - 1)
        }
        var placeLists: [Int32: [Int32]] = [:], equipmentLists: [Int32: [Int32]] = [:]
        for (index, record) in records.enumerated() {
            if record.kind == .need {
                needs.append(index)
                continue
            }
            let position = Int32(candidates.count)
            candidateRecords.append(Int32(index))
            let group = Self.group(of: record)
            let communeID = commune(record.commune)
            let neighbourhoodID: Int32 = record.neighbourhood.map { slug in
                if let id = neighbourhoods[slug] { return id }
                neighbourhoods[slug] = Int32(neighbourhoods.count)
                return Int32(neighbourhoods.count - 1)
            } ?? -1
            var ids = Set<Int32>()
            for word in SearchText.terms(record.title + " " + record.text) {
                if let id = wordIDs[word] { ids.insert(id); continue }
                wordIDs[word] = Int32(wordNames.count)
                wordNames.append(word)
                wordPostings.append([])
                ids.insert(Int32(wordNames.count - 1))
            }
            let sorted = ids.sorted()
            for id in sorted { wordPostings[Int(id)].append(position) }
            var held: [Int32] = []
            for key in record.skills {
                guard let term = skills.position(key) else { continue }
                held.append(term)
                let canonical = Int(skills.canonical(of: term))
                if skillPostings[canonical].last != position { skillPostings[canonical].append(position) }
            }
            heldTerms.append(held)
            if group == Group.place.rawValue { placeLists[communeID, default: []].append(position) }
            if group == Group.equipment.rawValue { equipmentLists[communeID, default: []].append(position) }
            candidates.append(Candidate(
                kind: record.kind, group: group, visibility: record.visibility, commune: communeID, neighbourhood: neighbourhoodID,
                availability: Self.availabilityBits(record.availability), themes: Set(record.themes.compactMap { themeIDs[$0] }),
                person: record.person, organisation: record.organisation,
                wordStart: Int32(words.count), wordCount: Int32(sorted.count)))
            words += sorted
        }
        for need in needs { _ = commune(records[need].commune) }
        for code in neighbours.keys { _ = commune(code) }
        self.neighbours = communes.map { code in (neighbours[code] ?? []).compactMap { communeIDs[$0] }.sorted() }
        placesByCommune = (0...communes.count).map { placeLists[$0 == communes.count ? -1 : Int32($0)] ?? [] }
        equipmentByCommune = (0...communes.count).map { equipmentLists[$0 == communes.count ? -1 : Int32($0)] ?? [] }
    }

    private static func group(of record: MatchRecord) -> UInt8 {
        switch (record.kind, record.subtype) {
        case (.place, _), (.offer, "room"): return Group.place.rawValue
        case (.equipment, _), (.offer, "lending"): return Group.equipment.rawValue
        case (.need, _): return 0
        default: return Group.people.rawValue
        }
    }

    /// Bits 0–20: the week's slots; bit 31: « occasionally ».
    static func availabilityBits(_ pattern: String) -> UInt32 {
        var bits: UInt32 = 0
        for slot in pattern.split(separator: " ") {
            if slot == Availability.occasionally { bits |= 1 << 31 } else if let index = Availability.slots.firstIndex(of: String(slot)) { bits |= 1 << UInt32(index) }
        }
        return bits
    }

    /// Working memory reused from one need to the next, so that matching 20,000 needs allocates
    /// per candidate visited, not per candidate held.
    public struct Scratch {
        var stamp: [UInt32]
        var slot: [Int32]
        var generation: UInt32 = 0
        var touched: [Int32] = []
        /// Per touched candidate and needed skill: the best level found and the term that gave it.
        var levels: [UInt8] = []
        var held: [Int32] = []
        var shared: [Double] = []

        public init(count: Int) {
            stamp = [UInt32](repeating: 0, count: count)
            slot = [Int32](repeating: 0, count: count)
        }
    }

    public func makeScratch() -> Scratch { Scratch(count: candidates.count) }

    /// The best candidates for `need`, as `viewer` (who is `me`) may see them.
    public func suggestions(for need: MatchRecord, viewer: Viewer, me: UUID? = nil, limit: Int = 10) -> [Suggestion] {
        var scratch = makeScratch()
        return suggestions(for: need, viewer: viewer, me: me, limit: limit, scratch: &scratch)
    }

    public func suggestions(for need: MatchRecord, viewer: Viewer, me: UUID? = nil, limit: Int = 10, scratch: inout Scratch) -> [Suggestion] {
        let wanted = Self.wantedGroups(need)
        let needCommune = need.commune.flatMap { communeIDs[$0] } ?? -1
        let needNeighbourhood = need.neighbourhood.flatMap { neighbourhoods[$0] } ?? -1
        let needAvailability = Self.availabilityBits(need.availability)
        var themeIDs = Set<Int16>()
        for theme in need.themes { if let index = Themes.all.firstIndex(of: theme) { themeIDs.insert(Int16(index)) } }

        scratch.generation &+= 1
        if scratch.generation == 0 {
            for index in scratch.stamp.indices { scratch.stamp[index] = 0 }
            scratch.generation = 1
        }
        scratch.touched.removeAll(keepingCapacity: true)
        scratch.levels.removeAll(keepingCapacity: true)
        scratch.held.removeAll(keepingCapacity: true)
        scratch.shared.removeAll(keepingCapacity: true)

        var needed: [(original: Int32, canonical: Int32)] = []
        for key in need.skills {
            guard let term = skills.position(key) else { continue }
            let canonical = skills.canonical(of: term)
            if !needed.contains(where: { $0.canonical == canonical }) { needed.append((term, canonical)) }
        }
        let width = max(needed.count, 1)
        func touch(_ candidate: Int32) -> Int {
            if scratch.stamp[Int(candidate)] == scratch.generation { return Int(scratch.slot[Int(candidate)]) }
            scratch.stamp[Int(candidate)] = scratch.generation
            let slot = scratch.touched.count
            scratch.slot[Int(candidate)] = Int32(slot)
            scratch.touched.append(candidate)
            scratch.levels.append(contentsOf: repeatElement(UInt8.max, count: width))
            scratch.held.append(contentsOf: repeatElement(-1, count: width))
            scratch.shared.append(0)
            return slot
        }
        func record(_ candidate: Int32, _ skill: Int, _ level: SkillLevel, _ term: Int32) {
            let slot = touch(candidate) * width + skill
            if UInt8(level.rawValue) < scratch.levels[slot] {
                scratch.levels[slot] = UInt8(level.rawValue)
                scratch.held[slot] = term
            }
        }

        var wordsSought: [(word: Int32, weight: Double)] = []
        if wanted & Group.people.rawValue != 0 {
            for (index, term) in needed.enumerated() {
                for (related, level) in skills.related(to: term.canonical) {
                    for candidate in skillPostings[Int(related)] {
                        if level == .exact {
                            let own = heldTerms[Int(candidate)]
                            let exact = own.contains(term.original)
                            record(candidate, index, exact ? .exact : .synonym, exact ? term.original : own.first { skills.canonical(of: $0) == related } ?? related)
                        } else {
                            record(candidate, index, level, related)
                        }
                    }
                }
                // The skill in the candidate's own words: every word of one of its wordings.
                for (phraseIndex, phrase) in skills.phrases[Int(term.canonical)].enumerated() {
                    let ids = phrase.words.compactMap { wordIDs[$0] }
                    guard ids.count == phrase.words.count, let rarest = ids.min(by: { wordPostings[Int($0)].count < wordPostings[Int($1)].count }) else { continue }
                    for candidate in wordPostings[Int(rarest)] where ids.allSatisfy({ hasWord(candidate, $0) }) {
                        record(candidate, index, .text, -Int32(phraseIndex) - 2)
                    }
                }
            }
            if needed.isEmpty {
                // No vocabulary skill: the need's uncommon words (in at most 5 % of candidates), rarest first.
                let limit = max(candidates.count / 20, 3)
                var seen = Set<Int32>()
                for word in SearchText.terms(need.title + " " + need.text) {
                    guard let id = wordIDs[word], seen.insert(id).inserted else { continue }
                    let frequency = wordPostings[Int(id)].count
                    if frequency <= limit { wordsSought.append((id, log(Double(candidates.count + 1) / Double(frequency)))) }
                }
                wordsSought = Array(wordsSought.sorted { $0.weight > $1.weight }.prefix(6))
                for (id, weight) in wordsSought {
                    for candidate in wordPostings[Int(id)] { scratch.shared[touch(candidate)] += weight }
                }
            }
        }
        for (group, lists) in [(Group.place, placesByCommune), (Group.equipment, equipmentByCommune)] where wanted & group.rawValue != 0 {
            if needCommune < 0 {
                for list in lists { for candidate in list { _ = touch(candidate) } }
            } else {
                for commune in [needCommune] + neighbours[Int(needCommune)] { for candidate in lists[Int(commune)] { _ = touch(candidate) } }
            }
        }

        let totalWeight = wordsSought.reduce(0) { $0 + $1.weight }
        var scored: [(slot: Int, score: Double)] = []
        for (slot, position) in scratch.touched.enumerated() {
            let candidate = candidates[Int(position)]
            guard wanted & candidate.group != 0, Policy.canSee(viewer, candidate.visibility, isOwner: me != nil && candidate.person == me) else { continue }
            if let person = candidate.person, person == need.person || person == need.creator { continue }
            if let organisation = candidate.organisation, organisation == need.organisation { continue }
            let distance = Self.distance(candidate, needCommune, needNeighbourhood, neighbours)
            let theme = themeIDs.isDisjoint(with: candidate.themes) ? 0.0 : 1.0
            let score: Double
            if candidate.group == Group.people.rawValue {
                var skill = 0.0
                if needed.isEmpty {
                    skill = totalWeight > 0 ? scratch.shared[slot] / totalWeight : 0
                } else {
                    for index in 0..<width where scratch.levels[slot * width + index] != UInt8.max {
                        skill += SkillLevel(rawValue: Int(scratch.levels[slot * width + index]))!.weight
                    }
                    skill /= Double(width)
                }
                guard skill > 0 else { continue }
                score = 0.55 * skill + 0.2 * distance + 0.15 * Self.availability(candidate.availability, needAvailability) + 0.1 * theme
            } else {
                score = 0.45 + 0.3 * distance + 0.25 * theme
            }
            if score >= Self.minimumScore { scored.append((slot, score)) }
        }
        // Best score first; among equals, the record entered first (a stable, explainable order).
        let touched = scratch.touched
        let best = scored.sorted { ($0.score, touched[$1.slot]) > ($1.score, touched[$0.slot]) }.prefix(limit)
        return best.map { slot, score in
            let position = scratch.touched[slot]
            let candidate = candidates[Int(position)]
            let record = records[Int(candidateRecords[Int(position)])]
            var reasons: [MatchReason] = []
            if candidate.group == Group.people.rawValue {
                for (index, term) in needed.enumerated() where scratch.levels[slot * width + index] != UInt8.max {
                    let level = SkillLevel(rawValue: Int(scratch.levels[slot * width + index]))!
                    let held = scratch.held[slot * width + index]
                    // A negative `held` names the wording found in the candidate's text (see `record(…, .text, …)`).
                    let wording = held >= 0 ? skills.label(held) : skills.phrases[Int(term.canonical)][Int(-held - 2)].wording
                    reasons.append(.skill(level, needed: skills.label(term.original), held: wording))
                }
                if needed.isEmpty {
                    let shared = wordsSought.filter { hasWord(position, $0.word) }.map { wordNames[Int($0.word)] }
                    if !shared.isEmpty { reasons.append(.words(shared)) }
                }
            } else {
                reasons.append(.fits(candidate.kind))
            }
            if let place = Self.placeReason(candidate, needCommune, needNeighbourhood, neighbours, communes, record) { reasons.append(place) }
            if candidate.group == Group.people.rawValue {
                let common = candidate.availability & needAvailability & ~(UInt32(1) << 31)
                if common != 0 {
                    reasons.append(.availability((0..<21).filter { common & (1 << UInt32($0)) != 0 }.prefix(3).map { Availability.slots[$0] }))
                } else if candidate.availability & (1 << 31) != 0 && needAvailability != 0 {
                    reasons.append(.occasionally)
                }
            }
            for theme in need.themes where record.themes.contains(theme) { reasons.append(.theme(theme)); break }
            return Suggestion(candidate: record.id, kind: record.kind, title: record.title, score: (score * 1000).rounded() / 1000, reasons: reasons)
        }
    }

    /// Every need of the inventory against everything else, as `viewer` sees it.
    public func matchAll(viewer: Viewer, limit: Int = 10) -> [(need: UUID, suggestions: [Suggestion])] {
        var scratch = makeScratch()
        return needs.map { index in
            (records[index].id, suggestions(for: records[index], viewer: viewer, limit: limit, scratch: &scratch))
        }
    }

    /// The needs a record could answer (« Besoins auxquels vous pourriez répondre »), best first:
    /// every need `viewer` may read whose suggestions, as `viewer` sees them, hold the record —
    /// the same rule as the need's own page, read the other way. Only needs that ask for what
    /// the record can be (people, a place, equipment) and, for people, for a skill related to
    /// one they hold (or for none: their words may still meet) are scored.
    public func answerable(by id: UUID, viewer: Viewer, me: UUID? = nil, limit: Int = 6) -> [(need: MatchRecord, suggestion: Suggestion)] {
        guard let position = candidateRecords.firstIndex(where: { records[Int($0)].id == id }) else { return [] }
        let candidate = candidates[position]
        var related = Set<Int32>()
        for term in heldTerms[position] {
            for (other, _) in skills.related(to: skills.canonical(of: term)) { related.insert(other) }
        }
        var scratch = makeScratch()
        var found: [(need: MatchRecord, suggestion: Suggestion)] = []
        for index in needs {
            let need = records[index]
            let own = me != nil && (need.person == me || need.creator == me)
            guard Self.wantedGroups(need) & candidate.group != 0, need.id != id, Policy.canSee(viewer, need.visibility, isOwner: own) else { continue }
            if candidate.group == Group.people.rawValue {
                let asked = need.skills.compactMap { skills.position($0) }.map { skills.canonical(of: $0) }
                guard asked.isEmpty || asked.contains(where: related.contains) || related.isEmpty else { continue }
            }
            if let hit = suggestions(for: need, viewer: viewer, me: me, limit: .max, scratch: &scratch).first(where: { $0.candidate == id }) {
                found.append((need, hit))
            }
        }
        return Array(found.sorted { $0.suggestion.score > $1.suggestion.score }.prefix(limit))
    }

    private func hasWord(_ candidate: Int32, _ word: Int32) -> Bool {
        let entry = candidates[Int(candidate)]
        var low = Int(entry.wordStart), high = Int(entry.wordStart + entry.wordCount)
        while low < high {
            let middle = (low + high) / 2
            if words[middle] < word { low = middle + 1 } else { high = middle }
        }
        return low < Int(entry.wordStart + entry.wordCount) && words[low] == word
    }

    private static func wantedGroups(_ need: MatchRecord) -> UInt8 {
        switch need.subtype {
        case "place": return Group.place.rawValue
        case "equipment": return Group.equipment.rawValue
        case "other": return Group.people.rawValue | Group.place.rawValue | Group.equipment.rawValue
        default: return Group.people.rawValue
        }
    }

    private static func distance(_ candidate: Candidate, _ commune: Int32, _ neighbourhood: Int32, _ neighbours: [[Int32]]) -> Double {
        if neighbourhood >= 0 && candidate.neighbourhood == neighbourhood { return 1 }
        guard commune >= 0, candidate.commune >= 0 else { return 0.2 }
        if candidate.commune == commune { return 0.7 }
        return neighbours[Int(commune)].contains(candidate.commune) ? 0.4 : 0.1
    }

    private static func placeReason(_ candidate: Candidate, _ commune: Int32, _ neighbourhood: Int32, _ neighbours: [[Int32]], _ communes: [String],
                                    _ record: MatchRecord) -> MatchReason? {
        if neighbourhood >= 0 && candidate.neighbourhood == neighbourhood, let slug = record.neighbourhood { return .sameNeighbourhood(slug) }
        guard commune >= 0, candidate.commune >= 0 else { return nil }
        if candidate.commune == commune { return .sameCommune(communes[Int(commune)]) }
        return neighbours[Int(commune)].contains(candidate.commune) ? .neighbouringCommune(communes[Int(candidate.commune)]) : nil
    }

    private static func availability(_ candidate: UInt32, _ need: UInt32) -> Double {
        if candidate == 0 || need == 0 { return 0.5 }
        if candidate & need & ~(UInt32(1) << 31) != 0 { return 1 }
        return (candidate | need) & (1 << 31) != 0 ? 0.6 : 0
    }
}

/// Needs no one answers well and what nobody has asked for, as `viewer` may see them.
public struct GapReport: Sendable, Equatable {
    public struct Need: Sendable, Equatable {
        public var record: MatchRecord
        /// The best suggestion's score (0 when there is none).
        public var best: Double
    }

    /// One theme in one place: a neighbourhood slug, else a commune code, else "".
    public struct Cell: Sendable, Equatable, Hashable {
        public var theme: String
        public var place: String
    }

    public struct UnusedSkill: Sendable, Equatable {
        public var label: String
        public var holders: Int
    }

    /// Needs whose best answer scores under `Matcher.goodScore`, least covered first.
    public var uncovered: [Need]
    public var needCount: Int
    /// Uncovered needs by theme and place (a need without a theme counts under "").
    public var cells: [Cell: Int]
    /// Uncovered needs by commune code, for the heat map.
    public var byCommune: [String: Int]
    /// Skills held that no need asks for, even through a synonym or the hierarchy; most held first.
    public var unusedSkills: [UnusedSkill]
    /// Offers, places and equipment no need was suggested.
    public var unusedResources: [MatchRecord]
}

extension Matcher {
    public func gaps(viewer: Viewer, me: UUID? = nil) -> GapReport {
        var scratch = makeScratch()
        var uncovered: [GapReport.Need] = []
        var cells: [GapReport.Cell: Int] = [:], byCommune: [String: Int] = [:]
        var suggested = Set<UUID>()
        var asked = Set<Int32>()
        var needCount = 0
        for index in needs {
            let need = records[index]
            guard Policy.canSee(viewer, need.visibility, isOwner: me != nil && (need.person == me || need.creator == me)) else { continue }
            needCount += 1
            for key in need.skills {
                guard let term = skills.position(key) else { continue }
                for (related, _) in skills.related(to: skills.canonical(of: term)) { asked.insert(related) }
            }
            let found = suggestions(for: need, viewer: viewer, me: me, limit: 10, scratch: &scratch)
            for suggestion in found { suggested.insert(suggestion.candidate) }
            let best = found.first?.score ?? 0
            guard best < Self.goodScore else { continue }
            uncovered.append(GapReport.Need(record: need, best: best))
            let place = need.neighbourhood ?? need.commune ?? ""
            for theme in need.themes.isEmpty ? [""] : need.themes { cells[GapReport.Cell(theme: theme, place: place), default: 0] += 1 }
            if let commune = need.commune { byCommune[commune, default: 0] += 1 }
        }
        var holders: [Int32: Int] = [:]
        var unused: [MatchRecord] = []
        for record in records where record.kind != .need {
            guard Policy.canSee(viewer, record.visibility, isOwner: me != nil && record.person == me) else { continue }
            for key in record.skills {
                guard let term = skills.position(key) else { continue }
                let canonical = skills.canonical(of: term)
                if !asked.contains(canonical) { holders[canonical, default: 0] += 1 }
            }
            if [.offer, .place, .equipment].contains(record.kind) && !suggested.contains(record.id) { unused.append(record) }
        }
        return GapReport(
            uncovered: uncovered.sorted { ($0.best, $0.record.title) < ($1.best, $1.record.title) }, needCount: needCount, cells: cells,
            byCommune: byCommune,
            unusedSkills: holders.map { GapReport.UnusedSkill(label: skills.label($0.key), holders: $0.value) }
                .sorted { ($0.holders, $1.label) > ($1.holders, $0.label) },
            unusedResources: unused)
    }
}
