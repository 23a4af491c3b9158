import Foundation
import Testing

/// `docs/architecture.md` opens with the tree of the sources: every folder under `Sources/` is
/// in it, and it names no folder that is gone. A folder added without its line fails here.
@Suite("The architecture document matches the tree")
struct ArchitectureDocTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The folders the document's tree names: `Sources/X/` lines set the base, indented
    /// `Name/` or `A/B/` entries are folders under it.
    static func documented() throws -> Set<String> {
        let text = try String(contentsOf: root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        let start = try #require(text.range(of: "```\n"))
        let end = try #require(text.range(of: "```\n", range: start.upperBound..<text.endIndex))
        var base = "", folders: Set<String> = []
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let token = line.split(separator: " ", omittingEmptySubsequences: true).first.map(String.init) ?? ""
            if line.hasPrefix("Sources/") {
                base = token.hasSuffix("/") ? token : ""
            } else if line.hasPrefix("  "), !line.hasPrefix("   "), token.hasSuffix("/"), !base.isEmpty {
                folders.insert(base + token)
            }
        }
        return folders
    }

    /// Each target's folders, one level down (and one more under `Features/` and `Storage/`).
    static func actual() throws -> Set<String> {
        let manager = FileManager.default
        func folders(_ path: String) throws -> [String] {
            try manager.contentsOfDirectory(atPath: root.appendingPathComponent(path).path).filter { name in
                var isFolder: ObjCBool = false
                return manager.fileExists(atPath: root.appendingPathComponent(path + name).path, isDirectory: &isFolder) && isFolder.boolValue
            }
        }
        var result: Set<String> = []
        for target in ["Sources/TerreauCore/", "Sources/TerreauWeb/"] {
            for folder in try folders(target) {
                if folder == "Features" || folder == "Storage" {
                    for inner in try folders(target + folder + "/") { result.insert(target + folder + "/" + inner + "/") }
                } else {
                    result.insert(target + folder + "/")
                }
            }
        }
        return result
    }

    @Test("every source folder has its line in docs/architecture.md, and no line names a folder that is gone")
    func treeMatches() throws {
        let documented = try Self.documented(), actual = try Self.actual()
        #expect(actual.subtracting(documented).sorted() == [], "folders missing from docs/architecture.md")
        #expect(documented.subtracting(actual).sorted() == [], "docs/architecture.md names folders that do not exist")
        #expect(actual.count > 30)
    }
}

/// Comments and tests cite the quality bar by code (« quality S16 »): each code resolves in the
/// repository's `docs/quality.md`.
@Suite("Quality codes cited in the code are defined in docs/quality.md")
struct QualityCodeTests {
    @Test("every « quality X12 » in Sources/ and Tests/ names a property of docs/quality.md")
    func codesResolve() throws {
        let root = ArchitectureDocTests.root
        let quality = try String(contentsOf: root.appendingPathComponent("docs/quality.md"), encoding: .utf8)
        let defined = Set(quality.split(separator: "\n").compactMap { line -> String? in
            guard let match = line.firstMatch(of: /^- ([SRAP][0-9]+)\s/) else { return nil }
            return String(match.output.1)
        })
        #expect(defined.count > 40)
        var cited: Set<String> = []
        for folder in ["Sources", "Tests"] {
            let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)
            while let path = enumerator?.nextObject() as? String {
                guard path.hasSuffix(".swift") else { continue }
                let text = try String(contentsOf: root.appendingPathComponent(folder + "/" + path), encoding: .utf8)
                for match in text.matches(of: /quality ([SRAP][0-9]+)/) { cited.insert(String(match.output.1)) }
            }
        }
        #expect(!cited.isEmpty)
        #expect(cited.subtracting(defined).sorted() == [])
    }
}
