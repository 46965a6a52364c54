extension ValidationOptions {
    /// The options the gateway validates canonical records with: standard formats asserted, the
    /// ``VietnamFormats`` registered (always asserted) and the ``PersonalIDBirthYearKeyword``.
    public static var lienthong: ValidationOptions {
        var options = ValidationOptions()
        options.assertFormats = true
        options.customFormats = VietnamFormats.all
        options.customKeywords = [PersonalIDBirthYearKeyword.name: PersonalIDBirthYearKeyword.keyword]
        return options
    }
}
