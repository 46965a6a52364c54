import Foundation

extension ConfigurationCheck {
    /// node.json `pkcs11`: the module is there, and the PIN has exactly one source, which for a file exists. The
    /// PIN itself is never read here, so `config check` prints nothing of it.
    mutating func checkToken() {
        guard let settings = node["pkcs11"], settings.objectValue != nil else { return }
        let module = settings["module"]?.stringValue ?? "/usr/lib/softhsm/libsofthsm2.so"
        if !Self.exists(URL(fileURLWithPath: module)) {
            report(
                "node.json", "/pkcs11/module", "PKCS#11 module \(module) does not exist (Debian: softhsm2)")
        }
        let file = settings["pinFile"]?.stringValue
        let variable = settings["pinEnvironment"]?.stringValue
        switch (file, variable) {
        case (nil, nil):
            report(
                "node.json", "/pkcs11",
                "name the PIN's source: pinFile or pinEnvironment (never the PIN itself)")
        case (.some, .some):
            report("node.json", "/pkcs11", "name one PIN source, pinFile or pinEnvironment, not both")
        case (.some(let path), nil):
            checkDataFile("node.json", "/pkcs11/pinFile", path)
        case (nil, .some):
            break
        }
    }
}
