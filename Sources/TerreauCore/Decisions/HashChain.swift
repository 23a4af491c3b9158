import Crypto
import Foundation

/// An append-only log where each entry's hash covers the previous entry's hash and its own
/// content (quality R6): editing, removing or reordering one stored row changes every hash after
/// it, so `verify` names every row that no longer matches. Used for the ballot log; the
/// published result carries the head hash.
public enum HashChain {
    /// The hash the first entry chains from.
    public static let genesis = String(repeating: "0", count: 64)

    public static func hash(previous: String, content: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(previous.utf8))
        hasher.update(data: Data([0x1F]))  // a separator no content can forge across the boundary
        hasher.update(data: Data(content.utf8))
        return hex(hasher.finalize())
    }

    static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hexadecimal, without `String(format:)` (a million hashes are counted in seconds).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public struct Entry: Equatable, Sendable {
        public var content: String
        public var hash: String

        public init(content: String, hash: String) {
            self.content = content
            self.hash = hash
        }
    }

    /// The entries for `contents`, in order.
    public static func chain(_ contents: [String], from start: String = genesis) -> [Entry] {
        var previous = start
        return contents.map { content in
            previous = hash(previous: previous, content: content)
            return Entry(content: content, hash: previous)
        }
    }

    /// The positions (from 0) of every entry whose stored hash does not follow from the stored
    /// hash before it and its own content. Each row is judged against its stored predecessor, so
    /// one edited row is named alone and a later tampering is not hidden behind it.
    public static func broken(_ entries: [Entry], from start: String = genesis) -> [Int] {
        var previous = start
        var broken: [Int] = []
        for (index, entry) in entries.enumerated() {
            if hash(previous: previous, content: entry.content) != entry.hash { broken.append(index) }
            previous = entry.hash
        }
        return broken
    }

    public static func firstBroken(_ entries: [Entry], from start: String = genesis) -> Int? { broken(entries, from: start).first }
}
