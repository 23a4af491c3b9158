import Foundation
import TerreauCore
import Vapor

/// JSON as the open data files and the API write it, shared by both (issue 26: the API no longer
/// borrows the open data controller's functions).
enum OpenJSON {
    /// One row as a JSON object, values typed as the dataset declares them.
    static func object(_ dataset: OpenDataset, _ row: [String?]) -> String {
        "{" + zip(dataset.fields, row).map { field, value in
            let key = "\"" + field.name + "\":"
            guard let value else { return key + "null" }
            switch field.type {
            case .integer, .number: return key + value
            case .boolean: return key + (value == "yes" || value == "true" ? "true" : "false")
            default: return key + jsonString(value)
            }
        }.joined(separator: ",") + "}"
    }

    static func jsonString(_ value: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [value], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    static func response(_ object: Any, type: HTTPMediaType, status: HTTPStatus = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        var headers = HTTPHeaders()
        headers.contentType = type
        headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: "*")
        return Response(status: status, headers: headers, body: .init(data: data))
    }

    /// The API's errors are JSON too: `{"error": "…"}` in the reader's language.
    static func error(_ status: HTTPStatus, _ message: String) -> Response {
        response(["error": message], type: .json, status: status)
    }
}
