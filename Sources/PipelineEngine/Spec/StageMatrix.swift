/// The `"matrix"` of a stage in pipeline.json: lists of values for some of its kind's parameters, one cell per
/// combination. Each value is checked by the parameter's spec exactly as a `params` value is.
///
///     "alpine-train": { "kind": "train-path-gpt", "params": { … },
///                       "matrix": { "layers": [1, 2], "heads": [1, 2, 3] }, "matrix_limit": 100 }
struct StageMatrix {
    /// Dimensions in the order the matrix object lists them, each with its normalised values.
    let dimensions: [(name: String, values: [JSONValue])]

    var cellCount: Int { dimensions.reduce(1) { $0 * $1.values.count } }

    /// Cells a stage may have without `"matrix_limit"`: a typo (a list of 100 seeds where 10 were meant, or a
    /// dimension too many) is caught before it books hours of work.
    static let defaultLimit = 64

    /// Reserved keys of a stage's entry in a profile: they replace the stage's matrix and limit, not parameters.
    static let reservedOverrideKeys = ["matrix", "matrix_limit"]

    /// Validates `member` (the matrix object) for stage `stage` of `kind`. `params` are the stage's other
    /// parameter values (file, profile and --set), with where each came from in `origin`; `source` says where the
    /// matrix came from when a profile set it.
    static func parse(_ member: JSONMember, stage: String, kind: any StageKind, params: [String: JSONValue],
                      origin: [String: String], source: String?,
                      fail: (String, SourcePosition?) -> PipelineError) throws -> StageMatrix {
        let from = source.map { " (set by \($0))" } ?? ""
        guard let fields = member.value.members else {
            throw fail("stage '\(stage)': \"matrix\" must be an object of parameter → list of values\(from)", member.position)
        }
        guard !fields.isEmpty else {
            throw fail("stage '\(stage)': \"matrix\" is empty; give at least one parameter with its list of values\(from)",
                       member.position)
        }
        let declared = Dictionary(uniqueKeysWithValues: kind.parameters.map { ($0.name, $0) })
        var dimensions: [(name: String, values: [JSONValue])] = []
        for field in fields {
            let name = field.key
            guard let spec = declared[name] else {
                let hint = PipelineLoader.closest(name, among: Array(declared.keys)).map { " — did you mean \"\($0)\"?" } ?? ""
                throw fail("stage '\(stage)': matrix: unknown parameter \"\(name)\" for kind \(kind.name)\(hint)\(from)",
                           field.position)
            }
            if params[name] != nil {
                let setter = origin[name].map { "set by \($0)" } ?? "in \"params\""
                throw fail("stage '\(stage)': parameter \"\(name)\" is both a matrix dimension\(from) and \(setter); "
                    + "a parameter takes its values from one place", field.position)
            }
            guard case let .array(elements) = field.value else {
                throw fail("stage '\(stage)': matrix.\(name) must be a list of values, got \(field.value.typeName)\(from)",
                           field.position)
            }
            guard !elements.isEmpty else {
                throw fail("stage '\(stage)': matrix.\(name) is an empty list; a dimension needs at least one value\(from)",
                           field.position)
            }
            var values: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                let value: JSONValue
                switch spec.normalise(element) {
                case let .success(normalised): value = normalised
                case let .failure(problem):
                    throw fail("stage '\(stage)': matrix.\(name)[\(index)] \(problem.message)\(from)", field.position)
                }
                let text = StageCell.render(value)
                // A number's exponent may carry '+' (1e+20); a string may not.
                var isString = false
                if case .string = value { isString = true }
                guard !text.isEmpty, text.unicodeScalars.allSatisfy({ StageCell.isNameScalar($0) || ($0 == "+" && !isString) }) else {
                    throw fail("stage '\(stage)': matrix.\(name)[\(index)] renders as \"\(text)\", which a cell name cannot "
                        + "hold (values may use only letters, digits, '.', '_' and '-')\(from)", field.position)
                }
                if let earlier = values.firstIndex(where: { StageCell.sameValue($0, value) }) {
                    throw fail("stage '\(stage)': matrix.\(name) lists \(text) twice (at [\(earlier)] and [\(index)])\(from)",
                               field.position)
                }
                values.append(value)
            }
            dimensions.append((name, values))
        }
        return StageMatrix(dimensions: dimensions)
    }

    /// The `"matrix_limit"` value: a positive integer.
    static func parseLimit(_ member: JSONMember, stage: String, source: String?,
                           fail: (String, SourcePosition?) -> PipelineError) throws -> Int {
        guard case let .integer(limit) = member.value, limit >= 1 else {
            let from = source.map { " (set by \($0))" } ?? ""
            throw fail("stage '\(stage)': \"matrix_limit\" must be a positive integer, got \(member.value.typeName)\(from)",
                       member.position)
        }
        return limit
    }
}
