import Foundation
import LienthongConnectors
import LienthongJSON
import Testing
import LienthongTesting

struct SeedTests {
    private func table(_ file: String) throws -> CSVTable {
        try #require(CSVTable(text: try TestSupport.readText("seeds/\(file)")))
    }

    @Test func generatorIsDeterministicAndMatchesCommittedSeeds() throws {
        let executable = try #require(TestSupport.seedsExecutable(), "build the lienthong-seeds product first")
        var outputs: [[String: Data]] = []
        for _ in 0..<2 {
            let directory = try TestSupport.temporaryDirectory()
            let result = try ChildProcess.run(
                URL(fileURLWithPath: executable), ["--out", directory, "--codes", directory + "/administrative-units.json"]
            )
            #expect(result.status == 0)
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            }
            outputs.append(files)
        }
        #expect(outputs[0].count == 5)
        #expect(outputs[0] == outputs[1])
        for name in ["population.csv", "enterprise.csv", "insurance.csv", "land.json"] {
            let committed = try Data(contentsOf: URL(fileURLWithPath: TestSupport.path("seeds/\(name)")))
            #expect(outputs[0][name] == committed, "seeds/\(name) is not what the generator writes")
        }
        let codes = try Data(contentsOf: URL(fileURLWithPath: TestSupport.path("config/demo/codes/administrative-units.json")))
        #expect(outputs[0]["administrative-units.json"] == codes)
    }

    @Test func countsMatchTheBrief() throws {
        #expect(try table("population.csv").rows.count >= 1_000)
        #expect(try table("enterprise.csv").rows.count == 200)
        #expect(try table("insurance.csv").rows.count == 1_000)
        #expect(try TestSupport.readJSON(TestSupport.path("seeds/land.json")).arrayValue?.count == 500)
        let codes = try TestSupport.readJSON(TestSupport.path("config/demo/codes/administrative-units.json"))
        let provinces = try #require(codes["provinces"]?.arrayValue)
        #expect(provinces.count == 34)
        #expect(Set(provinces.compactMap { $0["code"]?.stringValue }).count == 34)
        for province in provinces {
            let code = try #require(province["code"]?.stringValue)
            #expect(code.count == 2 && code.allSatisfy(\.isNumber))
            let communes = province["communes"]?.arrayValue ?? []
            #expect(communes.count >= 3)
            #expect(communes.allSatisfy { $0["code"]?.stringValue?.count == 5 })
        }
    }

    @Test func everyPersonalIDAgreesWithBirthProvinceSexAndYear() throws {
        let codes = try TestSupport.readJSON(TestSupport.path("config/demo/codes/administrative-units.json"))
        let provinceCodes = Set((codes["provinces"]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue })
        let people = try table("population.csv").records
        #expect(Set(people.map { $0["so_dinh_danh"]! }).count == people.count)
        for person in people {
            let id = Array(person["so_dinh_danh"]!)
            #expect(id.count == 12 && id.allSatisfy(\.isNumber))
            #expect(id[0] == "0" && provinceCodes.contains(String(id[1...2])))
            let date = person["ngay_sinh"]!.split(separator: "/")
            let year = try #require(Int(date[2]))
            let male = person["gioi_tinh"] == "Nam"
            let expectedDigit = (year >= 2000 ? 2 : 0) + (male ? 0 : 1)
            #expect(String(id[3]) == String(expectedDigit))
            #expect(String(id[4...5]) == String(year % 100).leftPadded(2))
            #expect(provinceCodes.contains(person["ma_tinh"]!))
            #expect(person["ma_xa"]!.count == 5)
        }
    }

    @Test func aboutOneNameInTenIsStoredDecomposed() throws {
        let people = try table("population.csv").records
        let decomposed = people.filter { name in
            let stored = name["ho_ten"]!
            return Array(stored.unicodeScalars) != Array(stored.precomposedStringWithCanonicalMapping.unicodeScalars)
        }
        let share = Double(decomposed.count) / Double(people.count)
        #expect(share > 0.06 && share < 0.14)
        #expect(people.allSatisfy { VietnameseFamily.all.contains(String($0["ho_ten"]!.precomposedStringWithCanonicalMapping.split(separator: " ")[0])) })
    }

    @Test func identifiersAndCrossReferencesHold() throws {
        let people = Set(try table("population.csv").records.map { $0["so_dinh_danh"]! })
        let enterprises = try table("enterprise.csv").records
        let codes = Set(enterprises.map { $0["ma_so_doanh_nghiep"]! })
        for enterprise in enterprises {
            let code = enterprise["ma_so_doanh_nghiep"]!
            #expect(code.wholeMatch(of: /\d{10}(-\d{3})?/) != nil)
            #expect(people.contains(enterprise["cccd_nguoi_dai_dien"]!))
            if enterprise["loai_hinh"] == "CN" {
                #expect(codes.contains(enterprise["ma_so_doanh_nghiep_me"]!))
                #expect(code.hasPrefix(enterprise["ma_so_doanh_nghiep_me"]! + "-"))
            }
        }
        #expect(enterprises.contains { $0["ma_so_doanh_nghiep"]!.hasSuffix("-001") })
        let insurance = try table("insurance.csv").records
        #expect(Set(insurance.map { $0["ma_so_bhxh"]! }).count == insurance.count)
        for record in insurance {
            #expect(record["ma_so_bhxh"]!.wholeMatch(of: /\d{10}/) != nil)
            #expect(people.contains(record["so_cccd"]!))
            if let employer = record["ma_don_vi"], !employer.isEmpty { #expect(codes.contains(employer)) }
        }
        let land = try #require(try TestSupport.readJSON(TestSupport.path("seeds/land.json")).arrayValue)
        for parcel in land {
            #expect(parcel["soSerieGCN"]?.stringValue?.wholeMatch(of: /[A-Z]{2}\d{6}/) != nil)
            for holder in parcel["chuSuDung"]?.arrayValue ?? [] {
                let document = try #require(holder["soGiayTo"]?.stringValue)
                #expect(holder["loai"] == "CN" ? people.contains(document) : codes.contains(document))
            }
        }
    }
}

enum VietnameseFamily {
    static let all: Set<String> = [
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
        "Dương", "Lý",
    ]
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
