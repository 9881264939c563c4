import Foundation

/// Reads and validates pipeline.json. Every problem is reported as one precise message naming the stage and the
/// field, before anything runs.
///
/// The file's shape:
///
///     { "store": "data", "figures": "figures", "default_profile": "paper",
///       "profiles": { "paper": {}, "quick": { "STAGE": { "PARAM": VALUE } } },
///       "stages": { "STAGE": { "kind": "KIND", "params": { … }, "inputs": { "SLOT": "OTHER-STAGE" },
///                              "description": "…" } } }
public struct PipelineLoader {
    public let registry: StageRegistry

    public init(registry: StageRegistry) { self.registry = registry }

    public func load(path: String, profile requestedProfile: String? = nil,
                     overrides commandLine: [ParameterOverride] = []) throws -> Pipeline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineError.invalid("\(path): cannot read the pipeline file (does it exist?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PipelineError.invalid("\(path): not UTF-8 text")
        }
        let base = (path as NSString).deletingLastPathComponent
        return try load(text: text, fileName: (path as NSString).lastPathComponent,
                        baseDirectory: base.isEmpty ? "." : base, profile: requestedProfile, overrides: commandLine)
    }

    public func load(text: String, fileName: String = "pipeline.json", baseDirectory: String = ".",
                     profile requestedProfile: String? = nil,
                     overrides commandLine: [ParameterOverride] = []) throws -> Pipeline {
        let root: JSONValue
        do {
            root = try JSONParser.parse(text)
        } catch let error as JSONSyntaxError {
            throw PipelineError.invalid("\(fileName): JSON syntax error at \(error.position): \(error.message)")
        }
        func fail(_ message: String, _ position: SourcePosition? = nil) -> PipelineError {
            let at = position.map { $0 == .unknown ? "" : " (\($0))" } ?? ""
            return PipelineError.invalid("\(fileName): \(message)\(at)")
        }
        guard let top = root.members else { throw fail("the top level must be an object") }
        let known = ["store", "figures", "default_profile", "profiles", "stages", "description"]
        for member in top where !known.contains(member.key) {
            throw fail("unknown top-level field \"\(member.key)\" (known: \(known.joined(separator: ", ")))", member.position)
        }
        func stringField(_ key: String, default fallback: String) throws -> String {
            guard let member = root.member(key) else { return fallback }
            guard case let .string(value) = member.value, !value.isEmpty else {
                throw fail("\"\(key)\" must be a non-empty string", member.position)
            }
            return value
        }
        let store = try stringField("store", default: "data")
        let figures = try stringField("figures", default: "figures")

        // Stages.
        guard let stagesMember = root.member("stages") else { throw fail("missing \"stages\"") }
        guard let stageMembers = stagesMember.value.members, !stageMembers.isEmpty else {
            throw fail("\"stages\" must be a non-empty object of stages by name", stagesMember.position)
        }
        var rawStages: [RawStage] = []
        let stageFields = ["kind", "params", "inputs", "description", "matrix", "matrix_limit", "resources"]
        for member in stageMembers {
            let name = member.key
            guard Self.isValidStageName(name) else {
                throw fail("stage name \"\(name)\" may use only letters, digits, '.', '_' and '-'", member.position)
            }
            guard let fields = member.value.members else { throw fail("stage '\(name)' must be an object", member.position) }
            for field in fields where !stageFields.contains(field.key) {
                throw fail("stage '\(name)': unknown field \"\(field.key)\" (known: \(stageFields.joined(separator: ", ")))",
                           field.position)
            }
            guard let kindMember = member.value.member("kind") else { throw fail("stage '\(name)': missing \"kind\"", member.position) }
            guard case let .string(kindName) = kindMember.value else {
                throw fail("stage '\(name)': \"kind\" must be a string", kindMember.position)
            }
            guard let kind = registry[kindName] else {
                let hint = Self.closest(kindName, among: registry.sortedNames).map { " — did you mean \"\($0)\"?" } ?? ""
                throw fail("stage '\(name)': unknown kind \"\(kindName)\"\(hint) (`icar kinds` lists them)", kindMember.position)
            }
            var params: [String: JSONValue] = [:]
            var positions: [String: SourcePosition] = [:]
            if let paramsMember = member.value.member("params") {
                guard let paramFields = paramsMember.value.members else {
                    throw fail("stage '\(name)': \"params\" must be an object", paramsMember.position)
                }
                for field in paramFields {
                    params[field.key] = field.value
                    positions[field.key] = field.position
                }
            }
            var inputs: [RawInput] = []
            if let inputsMember = member.value.member("inputs") {
                guard let inputFields = inputsMember.value.members else {
                    throw fail("stage '\(name)': \"inputs\" must be an object of slot → stage name", inputsMember.position)
                }
                for field in inputFields {
                    guard case let .string(source) = field.value else {
                        throw fail("stage '\(name)': inputs.\(field.key) must be the name of a stage", field.position)
                    }
                    // Bracketed slot names are the loader's own, for the cells of a family slot.
                    if field.key.contains("[") || field.key.contains("]") {
                        throw fail("stage '\(name)': input slot name \"\(field.key)\" may not contain '[' or ']'", field.position)
                    }
                    let aggregate = source.hasSuffix("[*]")
                    let base = aggregate ? String(source.dropLast(3)) : source
                    if base.contains("[") {
                        throw fail("stage '\(name)': input \"\(field.key)\" names '\(source)'; an input names a stage, or a whole "
                            + "family as 'FAMILY[*]' (one cell or a slice of a family cannot be an input)", field.position)
                    }
                    inputs.append(RawInput(slot: field.key, source: base, aggregate: aggregate, position: field.position))
                }
            }
            var description: String?
            if let descriptionMember = member.value.member("description") {
                guard case let .string(text) = descriptionMember.value else {
                    throw fail("stage '\(name)': \"description\" must be a string", descriptionMember.position)
                }
                description = text
            }
            var resources: [String: Int] = [:]
            if let resourcesMember = member.value.member("resources") {
                guard let resourceFields = resourcesMember.value.members else {
                    throw fail("stage '\(name)': \"resources\" must be an object (\(Self.resourceNames.joined(separator: ", ")))",
                               resourcesMember.position)
                }
                for field in resourceFields {
                    guard Self.resourceNames.contains(field.key) else {
                        throw fail("stage '\(name)': unknown resource \"\(field.key)\" (known: \(Self.resourceNames.joined(separator: ", ")))",
                                   field.position)
                    }
                    guard case let .integer(value) = field.value, (1...10_000_000).contains(value) else {
                        throw fail("stage '\(name)': resources.\(field.key) must be a whole number from 1 to 10000000", field.position)
                    }
                    resources[field.key] = value
                }
            }
            rawStages.append(RawStage(member: member, kind: kind, params: params, paramPositions: positions, inputs: inputs,
                                      description: description, matrix: member.value.member("matrix"),
                                      matrixLimit: member.value.member("matrix_limit"), resources: resources))
        }
        let stageNames = Set(rawStages.map { $0.member.key })
        for raw in rawStages {
            for input in raw.inputs where !stageNames.contains(input.source) {
                throw fail("stage '\(raw.name)': input \"\(input.slot)\" names unknown stage '\(input.source)'", input.position)
            }
        }
        for raw in rawStages {
            let slots = raw.kind.inputs.map(\.name)
            for input in raw.inputs where !slots.contains(input.slot) && !slots.contains(InputSlot.anyName) {
                throw fail("stage '\(raw.name)': unknown input \"\(input.slot)\" for kind \(raw.kind.name) (its inputs: \(slots.isEmpty ? "none" : slots.joined(separator: ", ")))",
                           input.position)
            }
        }
        // Cycles are looked for before the families expand, which follows the inputs and would not end.
        if let cycle = StageGraph.findCycle(in: rawStages.map { (name: $0.name, sources: $0.inputs.map(\.source)) }) {
            throw fail("the stages form a cycle: \(cycle.joined(separator: " → "))")
        }

        // Profiles.
        var profileNames: [String] = []
        var overrides: [String: [JSONMember]] = [:]
        if let profilesMember = root.member("profiles") {
            guard let profileMembers = profilesMember.value.members else {
                throw fail("\"profiles\" must be an object of profiles by name", profilesMember.position)
            }
            for profile in profileMembers {
                profileNames.append(profile.key)
                guard let stageOverrides = profile.value.members else {
                    throw fail("profile '\(profile.key)' must be an object of stage → parameter overrides", profile.position)
                }
                for stageOverride in stageOverrides {
                    guard stageNames.contains(stageOverride.key) else {
                        throw fail("profile '\(profile.key)': unknown stage '\(stageOverride.key)'", stageOverride.position)
                    }
                    guard stageOverride.value.members != nil else {
                        throw fail("profile '\(profile.key)', stage '\(stageOverride.key)': overrides must be an object",
                                   stageOverride.position)
                    }
                }
                overrides[profile.key] = stageOverrides
            }
        }
        var profile = try stringField("default_profile", default: profileNames.first ?? "default")
        // Checked even when --profile picks another: the next plain `icar run` would otherwise fail.
        if root.member("default_profile") != nil, !profileNames.contains(profile) {
            let list = profileNames.isEmpty ? "none are defined" : "defined: \(profileNames.joined(separator: ", "))"
            throw fail("default_profile: unknown profile '\(profile)' (\(list))")
        }
        if let requestedProfile { profile = requestedProfile }
        if !profileNames.isEmpty || requestedProfile != nil || root.member("default_profile") != nil {
            guard profileNames.contains(profile) else {
                let list = profileNames.isEmpty ? "none are defined" : "defined: \(profileNames.joined(separator: ", "))"
                throw fail("unknown profile '\(profile)' (\(list))")
            }
        }

        for override in commandLine where !stageNames.contains(override.stage) {
            let hint = Self.closest(override.stage, among: Array(stageNames)).map { " — did you mean \"\($0)\"?" } ?? ""
            throw PipelineError.invalid("--set \(override.text): unknown stage '\(override.stage)'\(hint)")
        }

        // Parameters: file values, then the profile's overrides, then --set, then defaults; each checked against the kind.
        // A stage's matrix (the file's, or its profile's) expands it into cells, and a stage fed by a family becomes one
        // too; stages are therefore resolved after their inputs. Every profile is resolved, so a mistake in one that is
        // not selected is still caught now.
        let order = Self.inputOrder(rawStages)
        func resolve(_ profile: String) throws -> [ResolvedStage] {
            var grids: [String: FamilyGrid] = [:]
            var resolvedByBase: [String: [ResolvedStage]] = [:]
            for raw in order {
                let name = raw.name
                var params = raw.params
                var positions = raw.paramPositions
                var origin: [String: String] = [:]
                var matrixMember = raw.matrix, limitMember = raw.matrixLimit
                var matrixSource: String?, limitSource: String?
                for override in overrides[profile]?.first(where: { $0.key == name })?.value.members ?? [] {
                    switch override.key {
                    case "matrix": (matrixMember, matrixSource) = (override, "profile '\(profile)'")
                    case "matrix_limit": (limitMember, limitSource) = (override, "profile '\(profile)'")
                    default:
                        params[override.key] = override.value
                        positions[override.key] = override.position
                        origin[override.key] = "profile '\(profile)'"
                    }
                }
                for override in commandLine where override.stage == name {
                    params[override.parameter] = override.value
                    positions[override.parameter] = nil
                    origin[override.parameter] = "--set \(override.text)"
                }
                let declared = Dictionary(uniqueKeysWithValues: raw.kind.parameters.map { ($0.name, $0) })
                for key in params.keys.sorted() where declared[key] == nil {
                    let hint = Self.closest(key, among: Array(declared.keys)).map { " — did you mean \"\($0)\"?" } ?? ""
                    let source = origin[key].map { " (set by \($0))" } ?? ""
                    throw fail("stage '\(name)': unknown parameter \"\(key)\" for kind \(raw.kind.name)\(hint)\(source)",
                               positions[key])
                }
                let matrix = try matrixMember.map {
                    try StageMatrix.parse($0, stage: name, kind: raw.kind, params: params, origin: origin,
                                          source: matrixSource, fail: fail)
                }
                let limit = try limitMember.map {
                    try StageMatrix.parseLimit($0, stage: name, source: limitSource, fail: fail)
                } ?? StageMatrix.defaultLimit
                if matrix == nil, let limitMember {
                    throw fail("stage '\(name)': \"matrix_limit\" without a \"matrix\"", limitMember.position)
                }

                // The parameter values first (with a matrix's first values), as for a plain stage: a wrong value is
                // reported before a wrong input.
                var first = params
                for dimension in matrix?.dimensions ?? [] { first[dimension.name] = dimension.values[0] }
                _ = try normalisedValues(raw, name: name, given: first, positions: positions, origin: origin, fail: fail)

                // Inputs: a whole family only where the slot takes one.
                let slots = Dictionary(uniqueKeysWithValues: raw.kind.inputs.map { ($0.name, $0) })
                var grid = FamilyGrid()
                for input in raw.inputs {
                    let slot = (slots[input.slot] ?? slots[InputSlot.anyName])!
                    let sourceIsFamily = grids[input.source]!.isFamily
                    if input.aggregate {
                        guard slot.family || slot.name == InputSlot.anyName else {
                            throw fail("stage '\(name)': input \"\(input.slot)\" of kind \(raw.kind.name) takes one stage, not a "
                                + "whole family ('\(input.source)[*]')", input.position)
                        }
                        guard sourceIsFamily else {
                            throw fail("stage '\(name)': input \"\(input.slot)\" takes the whole family '\(input.source)[*]', "
                                + "but stage '\(input.source)' is not a family (no matrix, no family input)", input.position)
                        }
                    } else if slot.family {
                        throw fail("stage '\(name)': input \"\(input.slot)\" of kind \(raw.kind.name) takes a whole family: "
                            + "write \"\(input.slot)\": \"FAMILY[*]\"\(sourceIsFamily ? " ('\(input.source)[*]')" : "")",
                                   input.position)
                    } else if sourceIsFamily {
                        let before = grid
                        grid = grid.joined(with: grids[input.source]!)
                        if grid.cells.isEmpty {
                            let shared = before.dimensions.filter(grids[input.source]!.dimensions.contains)
                            throw fail("stage '\(name)': its input families share the dimension(s) "
                                + "\(shared.joined(separator: ", ")) but have no cell in common (input \"\(input.slot)\", "
                                + "family '\(input.source)')", input.position)
                        }
                    }
                }
                for slot in raw.kind.inputs where !slot.optional && slot.name != InputSlot.anyName
                    && !raw.inputs.contains(where: { $0.slot == slot.name }) {
                    throw fail("stage '\(name)': missing input \"\(slot.name)\" (\(slot.help))", raw.member.position)
                }
                if let matrix {
                    for dimension in matrix.dimensions where grid.dimensions.contains(dimension.name) {
                        let through = raw.inputs.first { !$0.aggregate && grids[$0.source]!.dimensions.contains(dimension.name) }!
                        let declarer = grid.declaredBy[dimension.name] ?? through.source
                        throw fail("stage '\(name)': matrix dimension \"\(dimension.name)\" is also a dimension of family "
                            + "'\(declarer)', which stage '\(name)' inherits through input \"\(through.slot)\" "
                            + "(from '\(through.source)'); a dimension is declared in one place", matrixMember?.position)
                    }
                    grid = grid.product(with: matrix.dimensions, declaredBy: name)
                    if grid.cells.count > limit {
                        let source = matrixSource.map { " (matrix set by \($0))" } ?? ""
                        throw fail("stage '\(name)': its grid has \(grid.cells.count) cells, more than the limit of \(limit)"
                            + "\(source); if that many are meant, add \"matrix_limit\": \(grid.cells.count) to the stage"
                            + (matrixSource.map { " or to its entry in \($0)" } ?? ""), matrixMember?.position)
                    }
                }
                grids[name] = grid

                var cells: [ResolvedStage] = []
                for cell in grid.cells {
                    var values = params
                    for coordinate in cell where matrix?.dimensions.contains(where: { $0.name == coordinate.name }) == true {
                        values[coordinate.name] = coordinate.value
                    }
                    var inputs: [String: String] = [:]
                    for input in raw.inputs {
                        let sourceGrid = grids[input.source]!
                        let sourceCells = resolvedByBase[input.source]!
                        if input.aggregate {
                            for source in sourceCells {
                                inputs[StageCell.name(family: input.slot, cell: source.cell)] = source.name
                            }
                        } else if sourceGrid.isFamily {
                            inputs[input.slot] = sourceCells[sourceGrid.index(ofRestrictionOf: cell)!].name
                        } else {
                            inputs[input.slot] = input.source
                        }
                    }
                    var stage = try resolveCell(raw, name: grid.isFamily ? StageCell.name(family: name, cell: cell) : name,
                                                values: values, positions: positions, origin: origin, inputs: inputs,
                                                profile: profileNames.isEmpty ? nil : profile, baseDirectory: baseDirectory,
                                                fail: fail)
                    if grid.isFamily {
                        stage.family = name
                        stage.cell = cell
                    }
                    cells.append(stage)
                }
                if grid.isFamily, let clash = Self.firstDuplicate(cells.map(\.name)) {
                    throw fail("stage '\(name)': two cells are both named '\(clash)'")
                }
                resolvedByBase[name] = cells
            }
            return rawStages.flatMap { resolvedByBase[$0.name]! }
        }
        for other in profileNames where other != profile { _ = try resolve(other) }
        let resolved = try resolve(profile)
        var publisher: [String: String] = [:]
        for stage in resolved {
            for file in stage.publishedFiles {
                guard Self.isValidFileName(file) else {
                    throw fail("stage '\(stage.name)': figure file name \"\(file)\" must be a plain file name (no '/', not starting with '.', not \(Manifest.fileName))")
                }
                if let other = publisher[file] {
                    throw fail("stages '\(other)' and '\(stage.name)' both write the figure file \(figures)/\(file)")
                }
                publisher[file] = stage.name
            }
        }
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
        }
        return Pipeline(stages: resolved, profile: profile, profiles: profileNames, baseDirectory: baseDirectory,
                        storeDirectory: absolute(store), figuresDirectory: absolute(figures))
    }

    /// One stage (or one cell of a family) with its parameter values before defaults: fills the defaults, checks
    /// every value against its spec and the kind's own checks, its memory, and hashes its project files.
    private func resolveCell(_ raw: RawStage, name: String, values given: [String: JSONValue],
                             positions: [String: SourcePosition], origin: [String: String], inputs: [String: String],
                             profile: String?, baseDirectory: String,
                             fail: (String, SourcePosition?) -> PipelineError) throws -> ResolvedStage {
        if name != raw.name, !StageCell.isValidGeneratedName(name) {
            throw fail("stage '\(raw.name)': the generated cell name '\(name)' is not a valid stage name", raw.member.position)
        }
        let parameters = StageParameters(try normalisedValues(raw, name: name, given: given, positions: positions,
                                                              origin: origin, fail: fail))
        let during = profile.map { " (profile '\($0)')" } ?? ""
        do {
            try raw.kind.validate(parameters)
        } catch let error as PipelineError {
            throw fail("stage '\(name)'\(during): \(error.message)", raw.member.position)
        }
        let bytes = raw.kind.estimatedPeakBytes(parameters)
        if let total = MachineMemory.totalBytes, bytes > Double(total) {
            throw fail(String(format: "stage '%@'%@ would need about %.3g GB of memory (estimated from its parameters); "
                + "this machine has %.3g GB (MemTotal)", name, during, bytes / 1e9, Double(total) / 1e9),
                raw.member.position)
        }
        var stage = ResolvedStage(name: name, kind: raw.kind, parameters: parameters, inputs: inputs,
                                  description: raw.description)
        stage.resources = raw.resources
        for path in raw.kind.projectFiles(parameters) {
            if let problem = ProjectFiles.problem(path) {
                throw fail("stage '\(name)'\(during): project file \(problem)", raw.member.position)
            }
            do {
                stage.projectFiles[path] = try ProjectFiles.hash(path, in: baseDirectory)
            } catch let error as PipelineError {
                throw fail("stage '\(name)': \(error.message)", raw.member.position)
            }
        }
        return stage
    }

    /// Every declared parameter's value: the given one or the default, normalised and checked against its spec.
    private func normalisedValues(_ raw: RawStage, name: String, given: [String: JSONValue],
                                  positions: [String: SourcePosition], origin: [String: String],
                                  fail: (String, SourcePosition?) -> PipelineError) throws -> [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        for spec in raw.kind.parameters {
            guard let value = given[spec.name] ?? spec.defaultValue else {
                throw fail("stage '\(name)': missing parameter \"\(spec.name)\" (\(spec.type): \(spec.help))",
                           raw.member.position)
            }
            switch spec.normalise(value) {
            case let .success(normalised): values[spec.name] = normalised
            case let .failure(problem):
                let message = problem.message
                let source = origin[spec.name].map { " (set by \($0))" } ?? ""
                throw fail("stage '\(name)': parameter \"\(spec.name)\" \(message)\(source)", positions[spec.name])
            }
        }
        return values
    }

    /// The stages so that each follows the stages its inputs name (file order otherwise); they form no cycle.
    static func inputOrder(_ stages: [RawStage]) -> [RawStage] {
        var order: [RawStage] = []
        var placed = Set<String>()
        while order.count < stages.count {
            for stage in stages where !placed.contains(stage.name) && stage.inputs.allSatisfy({ placed.contains($0.source) }) {
                order.append(stage)
                placed.insert(stage.name)
            }
        }
        return order
    }

    static func firstDuplicate(_ names: [String]) -> String? {
        var seen = Set<String>()
        return names.first { !seen.insert($0).inserted }
    }

    /// The cluster requests a stage may override: CPUs per task, memory in MB, time limit in minutes.
    public static let resourceNames = ["cpus", "memory_mb", "time_minutes"]

    static func isValidFileName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("/") && !name.hasPrefix(".") && name != Manifest.fileName
    }

    static func isValidStageName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
        }
    }

    /// The candidate within edit distance 2 of `word`, for "did you mean" hints.
    static func closest(_ word: String, among candidates: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var previous = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var current = [i] + Array(repeating: 0, count: b.count)
                for j in 1...max(b.count, 1) where !b.isEmpty {
                    current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                }
                previous = current
            }
            return previous[b.count]
        }
        let scored = candidates.map { ($0, distance(Array(word), Array($0))) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }
}

/// A stage as pipeline.json writes it, before its parameters are resolved and its family expanded.
struct RawStage {
    let member: JSONMember
    let kind: any StageKind
    let params: [String: JSONValue]
    let paramPositions: [String: SourcePosition]
    /// In the order written: a stage fed by several families takes its dimensions in this order.
    let inputs: [RawInput]
    let description: String?
    let matrix: JSONMember?
    let matrixLimit: JSONMember?
    /// Cluster request overrides (`"resources"`), the same for every cell.
    let resources: [String: Int]

    var name: String { member.key }
}

/// One `"SLOT": "STAGE"` (or `"SLOT": "FAMILY[*]"`, `aggregate`) of a stage's inputs.
struct RawInput {
    let slot: String
    let source: String
    let aggregate: Bool
    let position: SourcePosition
}

/// A one-off parameter value from the command line (`icar run --set STAGE.PARAM=VALUE`), applied after the profile
/// and validated and keyed like a value written in pipeline.json.
public struct ParameterOverride: Sendable {
    public let stage: String
    public let parameter: String
    public let value: JSONValue
    /// The text as given, for error messages.
    public let text: String

    /// Parses `STAGE.PARAM=VALUE`. PARAM is what follows the last '.' before '=' (stage names may contain dots);
    /// VALUE is JSON, or else taken as a string (`--set s.family=haar`).
    public init(parsing text: String) throws {
        if text.prefix(while: { $0 != "=" }).contains("[") {
            throw PipelineError.invalid("--set \(text): --set applies to a whole family: write FAMILY.PARAM=VALUE "
                + "(one cell's parameter cannot be set alone)")
        }
        guard let equals = text.firstIndex(of: "="), let dot = text[..<equals].lastIndex(of: ".") else {
            throw PipelineError.invalid("--set \(text): expected STAGE.PARAM=VALUE")
        }
        let stage = String(text[..<dot]), parameter = String(text[text.index(after: dot)..<equals])
        let valueText = String(text[text.index(after: equals)...])
        guard !stage.isEmpty, !parameter.isEmpty, !valueText.isEmpty else {
            throw PipelineError.invalid("--set \(text): expected STAGE.PARAM=VALUE with all three parts")
        }
        self.stage = stage
        self.parameter = parameter
        self.value = (try? JSONParser.parse(valueText)) ?? .string(valueText)
        self.text = text
    }
}
