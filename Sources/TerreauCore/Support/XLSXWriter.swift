import Foundation

/// An Office Open XML workbook (`.xlsx`) of text cells: what `pyxform`, Excel, LibreOffice and
/// KoboToolbox open. Cells are inline strings (no shared-string table to keep in step); the
/// package is a ZIP archive whose entries are stored uncompressed, which every reader accepts.
public enum XLSXWriter {
    public static func workbook(_ sheets: [(name: String, rows: [[String]])]) -> [UInt8] {
        var entries: [(String, [UInt8])] = []
        let sheetTypes = sheets.indices.map {
            "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }.joined()
        entries.append(("[Content_Types].xml", Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            \(sheetTypes)</Types>
            """.utf8)))
        entries.append(("_rels/.rels", Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """.utf8)))
        let sheetList = sheets.enumerated().map { index, sheet in
            "<sheet name=\"\(XMLNode.escape(sheet.name))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }.joined()
        entries.append(("xl/workbook.xml", Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\(sheetList)</sheets></workbook>
            """.utf8)))
        let relations = sheets.indices.map {
            "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
        }.joined() + "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        entries.append(("xl/_rels/workbook.xml.rels", Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(relations)</Relationships>
            """.utf8)))
        entries.append(("xl/styles.xml", Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
            <fills count="1"><fill><patternFill patternType="none"/></fill></fills>\
            <borders count="1"><border/></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
            </styleSheet>
            """.utf8)))
        for (index, sheet) in sheets.enumerated() {
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
            for (rowIndex, row) in sheet.rows.enumerated() {
                xml += "<row r=\"\(rowIndex + 1)\">"
                for (column, value) in row.enumerated() where !value.isEmpty {
                    xml += "<c r=\"\(columnName(column))\(rowIndex + 1)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(XMLNode.escape(value))</t></is></c>"
                }
                xml += "</row>"
            }
            xml += "</sheetData></worksheet>"
            entries.append(("xl/worksheets/sheet\(index + 1).xml", Array(xml.utf8)))
        }
        return ZIPArchive.stored(entries)
    }

    /// `A`, `B` … `Z`, `AA`…
    static func columnName(_ index: Int) -> String {
        var index = index + 1, name = ""
        while index > 0 {
            let remainder = (index - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            index = (index - 1) / 26
        }
        return name
    }
}

/// A ZIP archive (PKWARE APPNOTE 6.3) whose entries are stored without compression: local
/// headers, data, central directory, end record. Sizes stay under 4 GB (no ZIP64).
public enum ZIPArchive {
    public static func stored(_ entries: [(name: String, data: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = [], central: [UInt8] = []
        func le16(_ value: Int, into bytes: inout [UInt8]) { bytes += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
        func le32(_ value: UInt32, into bytes: inout [UInt8]) { for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((value >> UInt32(shift)) & 0xFF)) } }
        // 1980-01-01 00:00, the format's earliest date: the archive's bytes depend on its content only.
        let time = 0, date = (0 << 9) | (1 << 5) | 1
        for (name, data) in entries {
            let nameBytes = Array(name.utf8), crc = CRC32.checksum(data), offset = UInt32(out.count)
            var header: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
            le16(20, into: &header); le16(0x0800, into: &header); le16(0, into: &header)  // version, UTF-8 names, stored
            le16(time, into: &header); le16(date, into: &header)
            le32(crc, into: &header); le32(UInt32(data.count), into: &header); le32(UInt32(data.count), into: &header)
            le16(nameBytes.count, into: &header); le16(0, into: &header)
            out += header + nameBytes + data
            var entry: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
            le16(20, into: &entry); le16(20, into: &entry); le16(0x0800, into: &entry); le16(0, into: &entry)
            le16(time, into: &entry); le16(date, into: &entry)
            le32(crc, into: &entry); le32(UInt32(data.count), into: &entry); le32(UInt32(data.count), into: &entry)
            le16(nameBytes.count, into: &entry); le16(0, into: &entry); le16(0, into: &entry)  // extra, comment
            le16(0, into: &entry); le16(0, into: &entry); le32(0, into: &entry)  // disk, internal, external attributes
            le32(offset, into: &entry)
            central += entry + nameBytes
        }
        let centralOffset = UInt32(out.count)
        out += central
        var end: [UInt8] = [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0]
        le16(entries.count, into: &end); le16(entries.count, into: &end)
        le32(UInt32(central.count), into: &end); le32(centralOffset, into: &end); le16(0, into: &end)
        return out + end
    }
}

/// CRC-32 as ZIP and PNG use it (polynomial 0xEDB88320, reflected).
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
