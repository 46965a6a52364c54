import LienthongJSON

extension ConfigurationCheck {
    /// node.json `messages`: the receipts' issuer is a provider this node signs for; retries wait no longer than the
    /// time to live; a message body may hold the largest attachment.
    mutating func checkMessages() {
        guard let messages = node["messages"] else { return }
        if let issuer = messages["receiptIssuer"]?.stringValue, documents["registries.json"] != nil {
            let providers = Set(
                documents.array("registries.json").compactMap { $0["service"]?.stringValue }.map {
                    $0.split(separator: "/").prefix(4).joined(separator: "/")
                })
            if !providers.contains(issuer) {
                report(
                    "node.json", "/messages/receiptIssuer",
                    "\(issuer) is not a provider of registries.json: the node holds no key to sign receipts as it"
                        + NameSuggestion.hint(for: issuer, among: providers))
            }
        }
        if let message = messages["maxMessageBytes"]?.numberValue?.int {
            let attachment = messages["maxAttachmentBytes"]?.numberValue?.int ?? 1_048_576
            if message <= attachment {
                report(
                    "node.json", "/messages/maxMessageBytes",
                    "\(message) is not above maxAttachmentBytes \(attachment): a message with the largest attachment "
                        + "(and its envelope) could never be sent")
            }
        }
        let initial = messages["retryInitialSeconds"]?.numberValue?.double ?? 1
        let maximum = messages["retryMaxSeconds"]?.numberValue?.double ?? 300
        if initial > maximum {
            report(
                "node.json", "/messages/retryInitialSeconds",
                "\(initial) is above retryMaxSeconds \(maximum): the first wait would be the longest")
        }
    }
}
