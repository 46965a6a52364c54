import Foundation
import LienthongJSON

/// Keys from the committed seeds, so the tests ask for records that exist.
enum Seeds {
    /// The rows of a seed CSV as dictionaries (seed fields hold no newlines; quoted commas are handled).
    static func rows(_ file: String) throws -> [[String: String]] {
        let text = try String(contentsOf: GatewayProcess.root.appendingPathComponent("seeds/\(file)"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(fields)
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    private static func fields(_ line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            switch character {
            case "\"": quoted.toggle()
            case "," where !quoted:
                fields.append(current)
                current = ""
            default: current.append(character)
            }
        }
        fields.append(current)
        return fields
    }

    /// A person whose name is stored decomposed (NFD), as legacy systems do.
    static func personWithNFDName() throws -> [String: String] {
        try rows("population.csv").first { row in
            let name = row["ho_ten"] ?? ""
            return name.unicodeScalars.elementsEqual(name.precomposedStringWithCanonicalMapping.unicodeScalars) == false
        }!
    }

    /// One lookup of an existing record in each of the four demo registries, with the purpose MOTCUA is granted
    /// for it and the schema of the answer.
    static func demoLookups() throws -> [(path: String, purpose: String, schema: String)] {
        let person = try rows("population.csv").first?["so_dinh_danh"] ?? ""
        let enterprise = try rows("enterprise.csv").first?["ma_so_doanh_nghiep"] ?? ""
        let insurance = try rows("insurance.csv").first?["ma_so_bhxh"] ?? ""
        let land = try JSONValue.parse(
            Array(try Data(contentsOf: GatewayProcess.root.appendingPathComponent("seeds/land.json")))
        )[0]
        let parcel = [land?["maXa"]?.stringValue, land?["soToBanDo"]?.numberValue?.literal, land?["soThua"]?.numberValue?.literal]
            .map { $0 ?? "" }.joined(separator: "-")
        return [
            ("/v1/records/population/\(person)", "residence-verification", "person.v1"),
            ("/v1/records/enterprise/\(enterprise)", "enterprise-registration", "enterprise.v1"),
            ("/v1/records/insurance/\(insurance)", "social-insurance", "insurance-participation.v1"),
            ("/v1/records/land/\(parcel)", "land-administration", "land-parcel.v1"),
        ]
    }
}

extension Seeds {
    /// Land parcel keys (`<commune>-<sheet>-<parcel>`) of `seeds/land.json`, in file order.
    static func landKeys() throws -> [String] {
        let data = try Data(contentsOf: GatewayProcess.root.appendingPathComponent("seeds/land.json"))
        return try JSONValue.parse(Array(data), limits: JSONLimits(maxBytes: 256 << 20)).arrayValue?.compactMap { parcel in
            guard let commune = parcel["maXa"]?.stringValue, let sheet = parcel["soToBanDo"]?.numberValue?.int,
                let number = parcel["soThua"]?.numberValue?.int
            else { return nil }
            return "\(commune)-\(sheet)-\(number)"
        } ?? []
    }
}
