import Foundation
import LienthongGateway

// lienthong: the gateway's command-line tool. Exit status: 0 success, 1 failure, 2 usage error.

let usage = """
    usage: lienthong <command> [options]

    commands:
      serve [--config DIR] [--data-dir DIR] [--listen HOST:PORT]
                          start the gateway (default: config/demo, .lienthong/, 127.0.0.1:8443)
      audit verify DB|EXPORT --trust-anchor PEM [--trust-anchor PEM ...]
                          check the hash chain and every signed checkpoint offline; exit 0 valid,
                          1 invalid (prints the code and first bad seq)
      audit export [DB] [--from RFC3339] [--to RFC3339] [--out FILE]
                          write records and checkpoints as JSON Lines (DB default:
                          $LIENTHONG_DATA_DIR/audit.sqlite or .lienthong/audit.sqlite)
      report --month YYYY-MM [--format csv|json] [--db PATH]
                          monthly exchanges per consumer, provider, service; denials; latency
      verify FILE|- --trust-anchor PEM ... [--crl PEM ...] [--at RFC3339] [--max-bytes N]
                          verify a signed envelope offline, each signature with its role
                          (origin / countersignature) and member (exit 0 valid, 1 invalid, 2 usage)
      sign FILE|- --key PEM --cert PEM [--countersign]
                          sign a message (e.g. a request.v1 message, as its consumer) into an
                          envelope, or add a forwarding hop's countersignature to an envelope
      reload [--data-dir DIR | --pid-file FILE] [--timeout SECONDS]
                          make the node on a data directory (default $LIENTHONG_DATA_DIR or .lienthong)
                          re-read its configuration and key store without a restart (SIGHUP); prints
                          its answer; exit 0 applied, 1 refused (the node keeps what it runs)
      keys generate --provider ID [--alg ES256|EdDSA|RS256|PS256] [--keys-dir DIR]
      keys csr --provider ID [--organization NAME] [--out FILE] [--keys-dir DIR]
      keys import --provider ID --certificate FILE [--keys-dir DIR]
      keys list [--keys-dir DIR]
      keys rotate --provider ID [--keys-dir DIR]
                          node signing keys (default dir: $LIENTHONG_DATA_DIR/keys or .lienthong/keys),
                          the store the node signs from; 'lienthong reload' makes a rotation take effect
      pki init DIR [--provider ID ...] [--consumer ID ...]
                          create a development PKI (NOT FOR PRODUCTION)
      registry load-postgres [--config DIR] [--url URL] [--seeds DIR]
                          create the demo enterprise table in the PostgreSQL database of a
                          configuration (default config/postgres) and load seeds/enterprise.csv
                          into it, replacing what is there; URL default: the connector's url with
                          its {NAME} placeholders from the environment (LIENTHONG_POSTGRES_URL)
      config check [DIR] [--schemas DIR]
                          check a configuration directory (default config/demo) against
                          config.v1 and the rules between its files (schemas: node.json's
                          schemas directory if it exists, else ./schemas)
      schema list [--schemas DIR] [--json]
                          list the canonical schemas (default directory: schemas)
      schema show ID [--schemas DIR]
                          print a canonical schema
      schema validate --schema ID|PATH [--output basic|flag] [--jsonl] [--json] [--schemas DIR]
                      [--allow-remote-refs] FILE...|-
                          validate JSON files (or JSON Lines with --jsonl; - is stdin) against a
                          canonical schema or any draft 2020-12 schema file; exit 0 all valid,
                          1 some invalid, 2 usage error
      version             print the version
      help                print this text
    """

var words = CommandLine.arguments.dropFirst()
let command = words.popFirst() ?? "help"
do {
    switch command {
    case "serve":
        try await ServeCommand(Arguments(words, valued: ["config", "data-dir", "listen"])).run()
    case "audit":
        try await AuditCommand(words).run()
    case "report":
        try ReportCommand(Arguments(words, valued: ["month", "format", "db"])).run()
    case "verify": exit(try VerifyCommand(words).run())
    case "sign": try SignCommand(arguments: Arguments(words, valued: ["key", "cert"])).run()
    case "keys": try KeysCommand(words).run()
    case "reload":
        exit(try ReloadCommand(Arguments(words, valued: ["data-dir", "pid-file", "timeout"])).run())
    case "pki": try PKICommand(words).run()
    case "schema":
        exit(try SchemaCommand(words).run())
    case "config":
        exit(try ConfigCheckCommand(words).run())
    case "registry":
        try await RegistryCommand(words).run()
    case "version", "--version":
        print("lienthong \(Gateway.version)")
    case "help", "--help", "-h":
        print(usage)
    default:
        throw UsageError("unknown command '\(command)'")
    }
} catch let error as UsageError {
    FileHandle.standardError.write(Data("lienthong: \(error)\n\n\(usage)\n".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("lienthong: \(error)\n".utf8))
    exit(1)
}
