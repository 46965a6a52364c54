import Foundation

// lienthong-seeds [--out <dir>] [--codes <file>]
// Writes the demo registries' native files (deterministic: the same bytes on every run).
var outDirectory = "seeds"
var codesFile = "config/demo/codes/administrative-units.json"
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--out": outDirectory = arguments.popFirst() ?? outDirectory
    case "--codes": codesFile = arguments.popFirst() ?? codesFile
    case "-h", "--help":
        print("usage: lienthong-seeds [--out <dir>] [--codes <administrative-units.json>]")
        exit(0)
    default:
        FileHandle.standardError.write(Data("lienthong-seeds: unknown argument \(argument)\n".utf8))
        exit(64)
    }
}

let seeds = SeedSet()
let fileManager = FileManager.default
do {
    try fileManager.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
    for (name, contents) in seeds.files {
        let path = (outDirectory as NSString).appendingPathComponent(name)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        print("wrote \(path)")
    }
    let codesDirectory = (codesFile as NSString).deletingLastPathComponent
    if !codesDirectory.isEmpty {
        try fileManager.createDirectory(atPath: codesDirectory, withIntermediateDirectories: true)
    }
    try Data(seeds.administrativeUnits.utf8).write(to: URL(fileURLWithPath: codesFile))
    print("wrote \(codesFile)")
} catch {
    FileHandle.standardError.write(Data("lienthong-seeds: \(error)\n".utf8))
    exit(1)
}
