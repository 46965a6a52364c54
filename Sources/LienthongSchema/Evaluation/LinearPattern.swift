/// A linear-time matcher for the regular expressions schemas use: literals, `.`, classes
/// (`[A-Z0-9_-]`, `[^…]`, `\d`, `\w`, `\s` and negations, `\uXXXX`, `\xHH`), groups `(…)` and
/// `(?:…)`, alternation `|`, the quantifiers `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}` (greedy or lazy:
/// the same answer for a yes/no match) on any atom or group, and the assertions `^`, `$` anywhere.
/// Back-references, look-around, `\b`, `\p{…}` and other syntax are refused (``init(_:)`` returns
/// `nil`) and ``ECMARegex`` runs those on ICU.
///
/// The pattern compiles to a Thompson NFA (at most ``maxInstructions`` instructions) that is
/// simulated over the input, one set of states per scalar, without backtracking: time is
/// O(input length × instructions) whatever the pattern, so `^(a+)+$` against `aaaa…!` is linear.
/// Patterns of up to 64 instructions keep the state set in one machine word and allocate nothing.
struct LinearPattern: Sendable {
    /// One NFA instruction.
    enum Instruction: Sendable {
        /// Consumes one scalar of the class and goes to the next instruction.
        case scalar(PatternCharClass)
        /// Goes to both targets.
        case split(Int, Int)
        /// Goes to the target.
        case jump(Int)
        /// Passes only at the start of the input (`^`).
        case assertStart
        /// Passes only at the end of the input (`$`).
        case assertEnd
        /// A match.
        case match
    }

    /// The largest program compiled; a larger one (say `(a{1,100}){1,100}`) goes to ICU.
    static let maxInstructions = 4_096

    let program: [Instruction]
    /// Whether every path to a match passes `^` first, so the search need not restart at each
    /// position and stops as soon as no state is left.
    private let anchored: Bool

    /// Compiles `pattern`, or `nil` when it is outside the supported subset or too large.
    init?(_ pattern: String) {
        var parser = PatternParser(Array(pattern.unicodeScalars))
        guard let tree = parser.parse() else { return nil }
        var program: [Instruction] = []
        guard LinearPattern.emit(tree, into: &program) else { return nil }
        program.append(.match)
        guard program.count <= LinearPattern.maxInstructions else { return nil }
        self.program = program
        // Anchored when, away from the start, the closure of the first instruction reaches nothing.
        var probe = [Bool](repeating: false, count: program.count)
        var stack = [0]
        var reachesWork = false
        while let pc = stack.popLast() {
            if probe[pc] { continue }
            probe[pc] = true
            switch program[pc] {
            case .scalar, .match: reachesWork = true
            case .split(let a, let b): stack += [a, b]
            case .jump(let a): stack.append(a)
            case .assertEnd: stack.append(pc + 1)
            case .assertStart: break
            }
        }
        anchored = !reachesWork
    }

    /// Appends the code of `node`; false when the program grows beyond the limit.
    private static func emit(_ node: PatternNode, into program: inout [Instruction]) -> Bool {
        guard program.count <= maxInstructions else { return false }
        switch node {
        case .empty:
            return true
        case .scalar(let set):
            program.append(.scalar(set))
        case .start:
            program.append(.assertStart)
        case .end:
            program.append(.assertEnd)
        case .sequence(let parts):
            for part in parts where !emit(part, into: &program) { return false }
        case .alternation(let branches):
            // split L1, next; L1: a; jump end; next: split L2, … ; last branch falls through.
            var jumps: [Int] = []
            for (i, branch) in branches.enumerated() {
                if i < branches.count - 1 {
                    let split = program.count
                    program.append(.split(split + 1, -1))
                    guard emit(branch, into: &program) else { return false }
                    jumps.append(program.count)
                    program.append(.jump(-1))
                    program[split] = .split(split + 1, program.count)
                } else {
                    guard emit(branch, into: &program) else { return false }
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repeated(let body, let minimum, let maximum):
            for _ in 0..<minimum where !emit(body, into: &program) { return false }
            if let maximum {
                // Nested optionals: split L, end; L: body; split L', end; …
                var splits: [Int] = []
                for _ in minimum..<maximum {
                    splits.append(program.count)
                    program.append(.split(program.count + 1, -1))
                    guard emit(body, into: &program) else { return false }
                }
                for split in splits { program[split] = .split(split + 1, program.count) }
            } else {
                let loop = program.count
                program.append(.split(loop + 1, -1))
                guard emit(body, into: &program) else { return false }
                program.append(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        }
        return program.count <= maxInstructions
    }

    /// Whether the pattern matches somewhere in `string` (ECMA-262 `RegExp.prototype.test`).
    func matches(_ string: String) -> Bool {
        UTF8Bytes.with(string) { bytes in
            if program.count <= 64 {
                var states = WordStates()
                return run(bytes, &states)
            }
            var states = ArrayStates(count: program.count)
            return run(bytes, &states)
        }
    }

    /// The simulation: `current` holds the states before the scalar at `i`; each step moves the
    /// scalar instructions that accept it, then follows splits, jumps and assertions.
    private func run<S: NFAStates>(_ bytes: UnsafeBufferPointer<UInt8>, _ states: inout S) -> Bool {
        let end = bytes.count
        if addClosure(0, &states, atStart: true, atEnd: end == 0) { return true }
        var i = 0
        while i < end {
            // Decode one scalar (the bytes are valid UTF-8).
            let lead = UInt32(bytes[i])
            var v = lead
            var width = 1
            if lead >= 0xF0 {
                v = (lead & 0x07) << 18 | (UInt32(bytes[i + 1]) & 0x3F) << 12 | (UInt32(bytes[i + 2]) & 0x3F) << 6
                    | (UInt32(bytes[i + 3]) & 0x3F)
                width = 4
            } else if lead >= 0xE0 {
                v = (lead & 0x0F) << 12 | (UInt32(bytes[i + 1]) & 0x3F) << 6 | (UInt32(bytes[i + 2]) & 0x3F)
                width = 3
            } else if lead >= 0xC0 {
                v = (lead & 0x1F) << 6 | (UInt32(bytes[i + 1]) & 0x3F)
                width = 2
            }
            i += width
            let atEnd = i == end
            var current = states.advance()
            var matched = false
            while let pc = current.next() {
                if case .scalar(let set) = program[pc], set.contains(v),
                    addClosure(pc + 1, &states, atStart: false, atEnd: atEnd)
                {
                    matched = true
                }
            }
            if matched { return true }
            if !anchored, addClosure(0, &states, atStart: false, atEnd: atEnd) { return true }
            if states.nextIsEmpty { return false }
        }
        return false
    }

    /// Adds `pc` and everything reachable from it without consuming input to the next state set;
    /// true when that reaches `match`.
    private func addClosure<S: NFAStates>(_ pc: Int, _ states: inout S, atStart: Bool, atEnd: Bool) -> Bool {
        var found = false
        states.push(pc)
        while let pc = states.pop() {
            guard states.insertNext(pc) else { continue }
            switch program[pc] {
            case .scalar: break
            case .match: found = true
            case .split(let a, let b):
                states.push(b)
                states.push(a)
            case .jump(let a): states.push(a)
            case .assertStart: if atStart { states.push(pc + 1) }
            case .assertEnd: if atEnd { states.push(pc + 1) }
            }
        }
        return found
    }
}

/// The state sets of the simulation: `current` (being read) and `next` (being built), plus a
/// work stack for closures.
protocol NFAStates {
    associatedtype Current: IteratorProtocol<Int>
    /// Empties `next` and returns its former states, to read while the next set is built.
    mutating func advance() -> Current
    /// Adds `pc` to `next`; false if it was there.
    mutating func insertNext(_ pc: Int) -> Bool
    /// Whether `next` is empty.
    var nextIsEmpty: Bool { get }
    mutating func push(_ pc: Int)
    mutating func pop() -> Int?
}

/// State sets of up to 64 states in machine words; the stack is a word too (a set, as order does
/// not change the result). No allocation.
struct WordStates: NFAStates {
    private var next: UInt64 = 0
    private var stack: UInt64 = 0

    /// The states of a word, lowest first.
    struct Bits: IteratorProtocol {
        var live: UInt64
        mutating func next() -> Int? {
            guard live != 0 else { return nil }
            defer { live &= live - 1 }
            return live.trailingZeroBitCount
        }
    }

    mutating func advance() -> Bits {
        defer { next = 0 }
        return Bits(live: next)
    }

    mutating func insertNext(_ pc: Int) -> Bool {
        let bit: UInt64 = 1 << UInt64(pc)
        if next & bit != 0 { return false }
        next |= bit
        return true
    }

    var nextIsEmpty: Bool { next == 0 }

    mutating func push(_ pc: Int) { stack |= 1 << UInt64(pc) }

    mutating func pop() -> Int? {
        guard stack != 0 else { return nil }
        let pc = stack.trailingZeroBitCount
        stack &= stack - 1
        return pc
    }
}

/// State sets for larger programs: arrays, allocated once per match.
struct ArrayStates: NFAStates {
    private var next: [Int] = []
    private var inNext: [Bool]
    private var stack: [Int] = []

    init(count: Int) { inNext = [Bool](repeating: false, count: count) }

    mutating func advance() -> IndexingIterator<[Int]> {
        let current = next
        for pc in next { inNext[pc] = false }
        next.removeAll(keepingCapacity: false)
        return current.makeIterator()
    }

    mutating func insertNext(_ pc: Int) -> Bool {
        if inNext[pc] { return false }
        inNext[pc] = true
        next.append(pc)
        return true
    }

    var nextIsEmpty: Bool { next.isEmpty }

    mutating func push(_ pc: Int) { stack.append(pc) }

    mutating func pop() -> Int? { stack.popLast() }
}
