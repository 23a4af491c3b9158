import Foundation

/// The library of publicly funded studies, audits and evaluations. Files are judged by their
/// content, never their name or the type the browser claims (quality S11).
public enum StudyUpload {
    /// 25 MiB: a long report with figures; larger files are refused (413).
    public static let maximumBytes = 25 * 1024 * 1024

    public enum Refusal: String, Error, Sendable {
        case empty, tooLarge, notPDF
    }

    /// What a file is, from its first bytes: only PDF documents are taken.
    public static func check(_ bytes: some Collection<UInt8>) throws(Refusal) {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= maximumBytes else { throw .tooLarge }
        // « %PDF- » at byte 0. The format tolerates junk before it (up to 1,024 bytes), but a
        // file that starts as HTML and carries the marker further down is what a browser could
        // sniff as a page: only files that are PDF from their first byte are taken.
        guard bytes.starts(with: Array("%PDF-".utf8)) else { throw .notPDF }
    }

    /// A stored file's name: random, with no part of what the person typed.
    public static func storedName() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined() + ".pdf"
    }
}

public enum StudyLicence: String, CaseIterable, Codable, Sendable {
    case licenceOuverte = "licence-ouverte-2.0"
    case ccBy = "cc-by-4.0"
    case ccBySa = "cc-by-sa-4.0"
    case odbl
    case allRightsReserved = "tous-droits-reserves"
}

/// A resident's request for a study they know exists but cannot find; public, with its status.
public enum StudyRequestStatus: String, CaseIterable, Codable, Sendable {
    case open, found, unavailable

    /// Coordinators answer: found (with the study) or unavailable (with a reason).
    public static func answer(_ status: StudyRequestStatus, with wanted: StudyRequestStatus, note: String, study: Bool) -> StudyRequestStatus? {
        guard status == .open else { return nil }
        switch wanted {
        case .found: return study ? .found : nil
        case .unavailable: return note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : .unavailable
        case .open: return nil
        }
    }
}

/// A minimal, valid one-page PDF holding lines of text (Helvetica, Latin-1): the demo's study
/// and the tests' uploads, so that extraction and search run on a real file.
public enum SimplePDF {
    public static func document(lines: [String]) -> [UInt8] {
        // PDF strings: escape the delimiters; Helvetica's standard encoding covers Latin-1 letters.
        func literal(_ text: String) -> [UInt8] {
            var bytes: [UInt8] = [UInt8(ascii: "(")]
            for scalar in text.unicodeScalars {
                switch scalar {
                case "(", ")", "\\": bytes += [UInt8(ascii: "\\"), UInt8(scalar.value)]
                default: bytes.append(scalar.value < 256 ? UInt8(scalar.value) : UInt8(ascii: "?"))
                }
            }
            return bytes + [UInt8(ascii: ")")]
        }
        var stream: [UInt8] = Array("BT /F1 12 Tf 16 TL 72 770 Td ".utf8)
        for line in lines { stream += literal(line) + Array(" ' ".utf8) }
        stream += Array("ET".utf8)
        let objects: [[UInt8]] = [
            Array("<< /Type /Catalog /Pages 2 0 R >>".utf8),
            Array("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".utf8),
            Array("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".utf8),
            Array("<< /Length \(stream.count) >>\nstream\n".utf8) + stream + Array("\nendstream".utf8),
            Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".utf8),
        ]
        var out = Array("%PDF-1.4\n".utf8), offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(index + 1) 0 obj\n".utf8) + object + Array("\nendobj\n".utf8)
        }
        let xref = out.count
        out += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n".utf8)
        for offset in offsets { out += Array(String(format: "%010d 00000 n \n", offset).utf8) }
        out += Array("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }
}
