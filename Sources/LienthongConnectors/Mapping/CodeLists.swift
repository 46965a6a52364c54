public import LienthongJSON

/// Named code lists that mappings translate codes with (`codeList` transform), e.g. commune code to commune name.
///
/// Two file shapes are understood:
/// - the administrative-units list (`{ "codeList": "administrative-units", "provinces": [{ "code", "name",
///   "communes": [{ "code", "name" }] }] }`), which yields `administrative-units/provinces` (province code to
///   name), `administrative-units/communes` (commune code to name) and `administrative-units/commune-province`
///   (commune code to province code);
/// - a plain list `{ "codeList": "<name>", "entries": { "<code>": "<value>" } }`.
public struct CodeLists: Sendable, Equatable {
    /// Each list by name: code to value.
    public var lists: [String: [String: String]]

    /// Code lists from a dictionary.
    public init(lists: [String: [String: String]] = [:]) { self.lists = lists }

    /// The list with this name, if loaded.
    public subscript(name: String) -> [String: String]? { lists[name] }

    /// Adds the lists that one code-list document defines.
    /// - Throws: `mapping.invalid-configuration` when the document has neither shape.
    public mutating func add(document: JSONValue) throws(MappingError) {
        func invalid(_ rule: String) -> MappingError {
            MappingError(code: .invalidConfiguration, registry: "code lists", field: "codeList", target: "", rule: rule)
        }
        guard let name = document["codeList"]?.stringValue else { throw invalid("codeList name") }
        if let entries = document["entries"]?.objectValue {
            var list: [String: String] = [:]
            for (code, value) in entries {
                guard let value = value.stringValue else { throw invalid("entries are strings") }
                list[code] = value
            }
            lists[name] = list
        } else if let provinces = document["provinces"]?.arrayValue {
            var provinceNames: [String: String] = [:]
            var communeNames: [String: String] = [:]
            var communeProvince: [String: String] = [:]
            for province in provinces {
                guard let code = province["code"]?.stringValue, let provinceName = province["name"]?.stringValue else {
                    throw invalid("provinces have code and name")
                }
                provinceNames[code] = provinceName
                for commune in province["communes"]?.arrayValue ?? [] {
                    guard let communeCode = commune["code"]?.stringValue, let communeName = commune["name"]?.stringValue
                    else { throw invalid("communes have code and name") }
                    communeNames[communeCode] = communeName
                    communeProvince[communeCode] = code
                }
            }
            lists["\(name)/provinces"] = provinceNames
            lists["\(name)/communes"] = communeNames
            lists["\(name)/commune-province"] = communeProvince
        } else {
            throw invalid("entries or provinces")
        }
    }
}
