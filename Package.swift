// swift-tools-version: 6.0
// Lienthong: an inter-agency data-exchange gateway. No Swift package dependencies:
// C libraries come from Debian through system library targets (module map + pkg-config).
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// A system library target for a Debian -dev package found through pkg-config.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "Lienthong",
    products: [
        .executable(name: "lienthong", targets: ["lienthong"]),
        .executable(name: "lienthong-seeds", targets: ["lienthong-seeds"]),
        .executable(name: "lienthong-bench", targets: ["lienthong-bench"]),
    ],
    targets: [
        // C libraries from Debian.
        systemLibrary("COpenSSL", pkgConfig: "openssl", apt: "libssl-dev"),
        systemLibrary("CCurl", pkgConfig: "libcurl", apt: "libcurl4-openssl-dev"),
        systemLibrary("CEvent", pkgConfig: "libevent_openssl", apt: "libevent-dev"),
        systemLibrary("CSQLite", pkgConfig: "sqlite3", apt: "libsqlite3-dev"),
        systemLibrary("CPostgres", pkgConfig: "libpq", apt: "libpq-dev"),
        systemLibrary("CNats", pkgConfig: "libnats", apt: "libnats-dev"),
        // Macros and variadic functions Swift cannot import.
        .target(
            name: "CLienthongShims",
            dependencies: ["COpenSSL", "CCurl", "CEvent", "CSQLite"]
        ),

        // Pure parts: no I/O.
        .target(name: "LienthongJSON", swiftSettings: swiftSettings),
        .target(name: "LienthongCore", dependencies: ["LienthongJSON"], swiftSettings: swiftSettings),
        .target(name: "LienthongSchema", dependencies: ["LienthongCore", "LienthongJSON"], swiftSettings: swiftSettings),
        .target(name: "LienthongAccess", dependencies: ["LienthongCore", "LienthongJSON"], swiftSettings: swiftSettings),
        // Declared commands and options for the tools: parsing, usage and help generated from one declaration.
        .target(name: "LienthongCommandLine", dependencies: ["LienthongCore"], swiftSettings: swiftSettings),

        // Keys, certificates and signatures (OpenSSL).
        .target(
            name: "LienthongTrust",
            dependencies: ["LienthongCore", "LienthongJSON", "COpenSSL", "CLienthongShims"],
            swiftSettings: swiftSettings
        ),
        // Embedded storage (SQLite) behind a small wrapper.
        .target(
            name: "LienthongStorage",
            dependencies: ["LienthongCore", "CSQLite", "CPostgres", "CLienthongShims"],
            swiftSettings: swiftSettings
        ),
        // HTTP server (libevent + OpenSSL) and client (libcurl).
        .target(
            name: "LienthongHTTP",
            dependencies: ["LienthongCore", "CEvent", "CCurl", "COpenSSL", "CLienthongShims"],
            swiftSettings: swiftSettings
        ),
        // The federation's signed global configuration: its value, schema check, signature, versions and diff.
        .target(
            name: "LienthongFederation",
            dependencies: ["LienthongCore", "LienthongJSON", "LienthongSchema", "LienthongTrust"],
            swiftSettings: swiftSettings
        ),
        // Registry adapters and native-to-canonical mapping.
        .target(
            name: "LienthongConnectors",
            dependencies: ["LienthongCore", "LienthongJSON", "LienthongStorage", "LienthongHTTP"],
            swiftSettings: swiftSettings
        ),
        // Hash-chained audit log.
        .target(
            name: "LienthongAudit",
            dependencies: ["LienthongCore", "LienthongJSON", "LienthongTrust", "LienthongStorage"],
            swiftSettings: swiftSettings
        ),
        // The node's state (audit chain, replay window) behind one protocol: SQLite embedded, PostgreSQL shared.
        .target(
            name: "LienthongNodeStore",
            dependencies: ["LienthongCore", "LienthongTrust", "LienthongAudit", "LienthongStorage"],
            swiftSettings: swiftSettings
        ),
        // Document messages on NATS JetStream (libnats): streams per recipient member, acknowledged publishes.
        .target(
            name: "LienthongBus",
            dependencies: ["LienthongCore", "LienthongJSON", "LienthongNodeStore", "LienthongStorage", "CNats"],
            swiftSettings: swiftSettings
        ),
        // The pipeline, routes and the demo bootstrap.
        .target(
            name: "LienthongGateway",
            dependencies: [
                "LienthongCore", "LienthongJSON", "LienthongSchema", "LienthongTrust", "LienthongStorage",
                "LienthongHTTP", "LienthongConnectors", "LienthongAccess", "LienthongAudit", "LienthongNodeStore",
                "LienthongFederation", "LienthongBus",
            ],
            swiftSettings: swiftSettings
        ),
        // The schema, config and registry commands use LienthongSchema, LienthongJSON and LienthongConnectors
        // directly; naming them makes SwiftPM rebuild the CLI when their interfaces change.
        .executableTarget(
            name: "lienthong",
            dependencies: [
                "LienthongGateway", "LienthongSchema", "LienthongJSON", "LienthongHTTP", "LienthongConnectors",
                "LienthongCommandLine", "LienthongNodeStore", "LienthongAudit", "LienthongStorage",
                "LienthongFederation", "LienthongTrust",
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "lienthong-seeds", dependencies: ["LienthongCore", "LienthongJSON"], swiftSettings: swiftSettings),
        // Signing and verification throughput against `openssl speed` (bench/crypto/run).
        .executableTarget(
            name: "lienthong-bench-crypto",
            dependencies: ["LienthongTrust", "LienthongJSON"],
            path: "bench/crypto/Sources",
            swiftSettings: swiftSettings
        ),
        // Schema validation benchmark (bench/schema/run); Connectors only to map the seed rows.
        .executableTarget(
            name: "lienthong-bench-schema",
            dependencies: ["LienthongSchema", "LienthongJSON", "LienthongConnectors"],
            swiftSettings: swiftSettings
        ),
        // Benchmark fixtures and reports (bench/run), and the direct database baselines through Storage's
        // libsqlite3 and libpq wrappers; no gateway code. Audit and Trust for `audit-stress`, the append load the
        // audit crash test kills mid-run; Federation and Schema for `federation-scale` (issue 14's national figures);
        // HTTP and Bus for `messages` and its raw JetStream publish baseline.
        .executableTarget(
            name: "lienthong-bench",
            dependencies: [
                "LienthongJSON", "LienthongStorage", "LienthongAudit", "LienthongTrust", "LienthongCommandLine",
                "LienthongFederation", "LienthongSchema", "LienthongCore", "LienthongHTTP", "LienthongBus",
            ],
            swiftSettings: swiftSettings
        ),

        // Helpers the test targets share: the repository's paths, the built products, running a tool.
        .target(name: "LienthongTesting", path: "Sources/LienthongTesting", swiftSettings: swiftSettings),

        .testTarget(name: "LienthongCoreTests", dependencies: ["LienthongCore", "LienthongTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "LienthongJSONTests", dependencies: ["LienthongJSON", "LienthongTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "LienthongSchemaTests", dependencies: ["LienthongSchema", "LienthongTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LienthongTrustTests", dependencies: ["LienthongTrust", "LienthongNodeStore", "LienthongTesting"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "LienthongNodeStoreTests",
            dependencies: [
                "LienthongNodeStore", "LienthongAudit", "LienthongStorage", "LienthongTrust", "LienthongTesting",
                // The JetStream event log runs the EventLogContract too.
                "LienthongBus",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "LienthongBusTests", dependencies: ["LienthongBus", "LienthongNodeStore", "LienthongTesting"],
            swiftSettings: swiftSettings),
        .testTarget(name: "LienthongHTTPTests", dependencies: ["LienthongHTTP", "LienthongTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LienthongConnectorsTests",
            dependencies: ["LienthongConnectors", "LienthongSchema", "LienthongTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LienthongCommandLineTests", dependencies: ["LienthongCommandLine", "LienthongTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LienthongAccessTests", dependencies: ["LienthongAccess", "LienthongTesting"], swiftSettings: swiftSettings),
        // Test targets name LienthongTrust when their files import it: SwiftPM then rebuilds them when its types change
        // (an incremental build otherwise links tests compiled against the old TrustStore layout, which crash).
        .testTarget(
            name: "LienthongAuditTests", dependencies: ["LienthongAudit", "LienthongTrust", "LienthongTesting"],
            swiftSettings: swiftSettings),
        .testTarget(name: "LienthongStorageTests", dependencies: ["LienthongStorage", "LienthongTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LienthongFederationTests",
            dependencies: ["LienthongFederation", "LienthongSchema", "LienthongTrust", "LienthongTesting"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "LienthongGatewayTests",
            dependencies: ["LienthongGateway", "LienthongFederation", "LienthongTrust", "LienthongTesting"],
            swiftSettings: swiftSettings),
    ]
)

// libFuzzer targets (scripts/fuzz), declared only when LIENTHONG_FUZZ=1: they link only with `-sanitize=fuzzer`
// (libFuzzer's driver), so a plain `swift build` or `swift test` never sees them.
if Context.environment["LIENTHONG_FUZZ"] == "1" {
    package.targets.append(.target(name: "CLienthongFuzz", path: "Tests/Fuzz/Driver"))
    // Each target's folder holds its source, its seed `corpus` and the `regressions` it once failed on.
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency], data: [String])] = [
        ("json", ["LienthongJSON"], []),
        ("envelope", ["LienthongTrust", "LienthongJSON", "LienthongTesting"], ["pki"]),
        ("schema", ["LienthongSchema", "LienthongJSON", "LienthongTesting"], []),
        ("csv", ["LienthongConnectors"], []),
        ("mapping", ["LienthongConnectors", "LienthongJSON", "LienthongTesting"], []),
        ("http", ["LienthongHTTP"], []),
        ("multipart", ["LienthongHTTP"], []),
    ]
    for (name, dependencies, data) in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: "lienthong-fuzz-\(name)", dependencies: ["CLienthongFuzz"] + dependencies,
                path: "Tests/Fuzz/\(name)", exclude: ["corpus", "regressions"] + data, swiftSettings: swiftSettings))
    }
}
