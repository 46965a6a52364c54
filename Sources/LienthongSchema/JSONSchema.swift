public import LienthongJSON

/// A JSON Schema (draft 2020-12), compiled once and validated many times.
///
/// Compilation resolves every `$ref` and `$dynamicRef` (through a ``SchemaRegistry``), compiles the
/// regular expressions and applies the meta-schema's vocabularies; the result is an immutable table
/// of keyword nodes, safe to share between tasks.
///
/// ```swift
/// let schema = try JSONSchema.compile(try JSONValue.parse(schemaText), registry: SchemaRegistry())
/// let result = schema.validate(record)
/// if !result.isValid { print(result.output(.basic)) }
/// ```
///
/// Regular expressions (`pattern`, `patternProperties`) run on a linear-time NFA when they avoid
/// back-references, look-around and `\b` (groups, alternation and bounded repetition are fine), so
/// `^(a+)+$` cannot blow up; the rest run on ICU through `NSRegularExpression` with an ECMA-262
/// translation (see `ECMARegex`), bounded by input length, not time: strings longer than
/// ``ValidationOptions/maxPatternInputLength`` are not matched (the keyword fails), and patterns
/// come only from operator-loaded schemas, never from callers. Nesting is bounded by ``ValidationOptions/maxDepth``, which also ends reference cycles
/// that never consume the instance.
public struct JSONSchema: Sendable {
    private let program: CompiledProgram
    private let root: Int

    /// The URI the schema was compiled under: its `$id`, or the `uri` it was compiled from.
    public let uri: String

    /// Compiles `schema`, resolving references against `registry`.
    ///
    /// - Parameters:
    ///   - schema: The schema document (an object or a boolean).
    ///   - registry: Schemas that references may name; the 2020-12 meta-schemas are always there.
    ///   - options: Format assertion, extension formats and keywords, limits.
    ///   - uri: The retrieval URI of `schema`, used as base URI when it has no `$id` (default: none).
    /// - Throws: ``SchemaError``; an unresolvable reference has code
    ///   ``SchemaError/Code/unresolvableReference`` and names the reference in `detail`.
    public static func compile(
        _ schema: JSONValue, registry: SchemaRegistry = SchemaRegistry(),
        options: ValidationOptions = ValidationOptions(), uri: String = ""
    ) throws(SchemaError) -> JSONSchema {
        var compiler = SchemaCompiler(registry: registry, options: options)
        let (program, root) = try compiler.compile(schema, uri: splitFragment(uri).base)
        let id = schema["$id"]?.stringValue.map { splitFragment(resolveURI($0, against: uri)).base } ?? uri
        return JSONSchema(program: program, root: root, uri: id)
    }

    /// Compiles the document registered under `uri` in `registry`.
    /// - Throws: ``SchemaError/Code/unresolvableReference`` when no such document is registered.
    public static func compile(
        uri: String, registry: SchemaRegistry, options: ValidationOptions = ValidationOptions()
    ) throws(SchemaError) -> JSONSchema {
        let base = splitFragment(uri).base
        guard let document = try registry.document(at: base) else {
            throw SchemaError(code: .unresolvableReference, detail: uri)
        }
        return try compile(document, registry: registry, options: options, uri: base)
    }

    private init(program: CompiledProgram, root: Int, uri: String) {
        self.program = program
        self.root = root
        self.uri = uri
    }

    /// Validates `instance`; when invalid, the result lists every failing keyword.
    ///
    /// Valid instances take the fast path only (no paths tracked); an invalid one is evaluated a
    /// second time to collect its errors.
    public func validate(_ instance: JSONValue) -> ValidationResult {
        if isValid(instance) { return ValidationResult(isValid: true, errors: []) }
        var evaluator = Evaluator(program: program, collect: true)
        var evaluated = Evaluated()
        _ = evaluator.evaluate(root, instance, &evaluated)
        return ValidationResult(isValid: false, errors: evaluator.errors)
    }

    /// The collecting evaluation alone, valid or not (tests compare it with the fast path, which
    /// runs fused keywords; see `ObjectMembers`).
    func validateCollecting(_ instance: JSONValue) -> ValidationResult {
        var evaluator = Evaluator(program: program, collect: true)
        var evaluated = Evaluated()
        let valid = evaluator.evaluate(root, instance, &evaluated)
        return ValidationResult(isValid: valid, errors: evaluator.errors)
    }

    /// Whether `instance` is valid: the `flag` output, without collecting errors.
    public func isValid(_ instance: JSONValue) -> Bool {
        var evaluator = Evaluator(program: program, collect: false)
        var evaluated = Evaluated()
        return evaluator.evaluate(root, instance, &evaluated)
    }

    /// Validates `instance` and renders the result in `format` (2020-12 output).
    public func validate(_ instance: JSONValue, output format: OutputFormat) -> JSONValue {
        switch format {
        case .flag: .object(["valid": .bool(isValid(instance))])
        case .basic: validate(instance).output(.basic)
        }
    }
}
