/// A horizontal bar chart drawn by the template as SVG: one row per item, label on the left,
/// the bar scaled to the largest value, the value written after it. Pages pair it with a table.
struct BarChart: Encodable {
    struct Bar: Encodable {
        var label: String
        var value: String
        var tone: Int
        var y: Int
        var width: Int
        var textY: Int
        var valueX: Int
    }

    var bars: [Bar]
    var height: Int

    static let rowHeight = 28, barLength = 300.0, labelWidth = 220

    init(_ items: [(label: String, amount: Double, text: String, tone: Int)]) {
        let widest = max(items.map(\.amount).max() ?? 0, 1)
        bars = items.enumerated().map { index, item in
            let width = Int((item.amount / widest * Self.barLength).rounded())
            return Bar(label: item.label, value: item.text, tone: item.tone, y: index * Self.rowHeight + 4, width: width,
                       textY: index * Self.rowHeight + 19, valueX: width + Self.labelWidth + 6)
        }
        height = max(items.count * Self.rowHeight + 8, 40)
    }
}
