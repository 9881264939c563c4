/// Why a stage would run, or that it would not: the answer of `icar status` and `icar run --dry-run`.
public struct StageStatus: Sendable {
    public enum State: String, Sendable {
        case cached
        case stale
    }

    public let stage: String
    public let state: State
    /// The stage key, when all its inputs are known.
    public let key: String?
    public let reasons: [String]
}

/// Computes keys and staleness without running anything.
public struct StagePlanner {
    public let pipeline: Pipeline
    public let store: Store

    public init(pipeline: Pipeline, store: Store) {
        self.pipeline = pipeline
        self.store = store
    }

    /// The ingredients of a stage's key, given its inputs' content hashes; nil if an input's hash is unknown.
    public static func ingredients(of stage: ResolvedStage, inputHashes: [String: String]) -> KeyIngredients? {
        var inputs: [String: String] = [:]
        for (slot, source) in stage.inputs {
            guard let hash = inputHashes[source] else { return nil }
            inputs[slot] = hash
        }
        for (path, hash) in stage.projectFiles { inputs[ProjectFiles.slot(path)] = hash }
        return KeyIngredients(kind: stage.kind.name, version: stage.kind.version,
                              parameters: stage.parameters.canonicalJSON, inputs: inputs,
                              toolchain: stage.kind.toolchain())
    }

    /// The status of every stage, in topological order.
    public func statuses(forced: Set<String> = []) -> [StageStatus] {
        var contentHashes: [String: String] = [:]
        var result: [StageStatus] = []
        for name in StageGraph(pipeline).topologicalOrder {
            let stage = pipeline.stage(name)!
            let record = store.record(for: name)
            guard let ingredients = Self.ingredients(of: stage, inputHashes: contentHashes) else {
                let waiting = stage.inputs.sorted { $0.key < $1.key }.filter { contentHashes[$0.value] == nil }
                result.append(StageStatus(stage: name, state: .stale, key: nil, reasons: waitingReasons(waiting)))
                continue
            }
            let key = ingredients.key
            var reasons: [String] = []
            let condition = store.condition(of: key)
            if forced.contains(name) { reasons.append("forced") }
            switch condition {
            case .intact:
                if reasons.isEmpty, let manifest = store.manifest(key) { contentHashes[name] = manifest.contentHash }
            case let .damaged(problem):
                reasons.append("entry damaged: \(problem)")
            case .missing:
                reasons.append(contentsOf: Self.explainMiss(current: ingredients, record: record, store: store))
            }
            result.append(StageStatus(stage: name, state: reasons.isEmpty ? .cached : .stale, key: key, reasons: reasons))
        }
        return result
    }

    /// `input 'a' waits for stage x, which will run first`; a family slot's cells (`SLOT[k=v,…]`) in one reason.
    private func waitingReasons(_ waiting: [(key: String, value: String)]) -> [String] {
        var reasons: [String] = []
        var familySlots: [String: (family: String, count: Int)] = [:]
        var familyOrder: [String] = []
        for (slot, source) in waiting {
            if let open = slot.firstIndex(of: "["), let family = pipeline.stage(source)?.family {
                let base = String(slot[..<open])
                if familySlots[base] == nil { familyOrder.append(base) }
                familySlots[base, default: (family, 0)].count += 1
            } else {
                reasons.append("input '\(slot)' waits for stage \(source), which will run first")
            }
        }
        for base in familyOrder {
            let (family, count) = familySlots[base]!
            reasons.append("input '\(base)[*]' waits for \(count) cell\(count == 1 ? "" : "s") of family \(family), which will run first")
        }
        return reasons
    }

    /// Keys of every entry the pipeline still reaches, mapped to a stage that uses it: the current key of each stage
    /// under each profile (`profiles`: the pipeline loaded once per profile; empty = `pipeline` alone), and the last
    /// recorded result of each stage, which a stale upstream may make current again. What `icar gc` keeps.
    public static func reachableKeys(pipeline: Pipeline, profiles: [Pipeline], store: Store) -> [String: String] {
        var keys: [String: String] = [:]
        for variant in profiles.isEmpty ? [pipeline] : profiles {
            for status in StagePlanner(pipeline: variant, store: store).statuses() {
                if let key = status.key, keys[key] == nil { keys[key] = status.stage }
            }
        }
        for stage in pipeline.stages {
            if let record = store.record(for: stage.name), keys[record.key] == nil { keys[record.key] = stage.name }
        }
        return keys
    }

    /// Why the current ingredients have no entry, compared with the last successful run of the stage.
    static func explainMiss(current: KeyIngredients, record: StageRecord?, store: Store) -> [String] {
        guard let record else { return ["never run"] }
        let previous = record.ingredients
        if previous == current { return ["entry missing from the store (removed by gc or by hand)"] }
        var reasons: [String] = []
        if previous.kind != current.kind { reasons.append("kind changed (\(previous.kind) → \(current.kind))") }
        if previous.version != current.version {
            reasons.append("implementation version changed (\(previous.version) → \(current.version))")
        }
        if previous.parameters != current.parameters {
            reasons.append("params changed: " + changedParameters(previous.parameters, current.parameters))
        }
        for tool in Set(previous.toolchain.keys).union(current.toolchain.keys).sorted()
        where previous.toolchain[tool] != current.toolchain[tool] {
            reasons.append("\(tool) changed (\(previous.toolchain[tool] ?? "unrecorded") → \(current.toolchain[tool] ?? "unused"))")
        }
        for slot in Set(previous.inputs.keys).union(current.inputs.keys).sorted()
        where previous.inputs[slot] != current.inputs[slot] {
            reasons.append("input '\(slot)' changed")
        }
        return reasons.isEmpty ? ["ingredients changed"] : reasons
    }

    static func changedParameters(_ old: String, _ new: String) -> String {
        guard case let .object(oldMembers)? = try? JSONParser.parse(old),
              case let .object(newMembers)? = try? JSONParser.parse(new) else { return "(unreadable)" }
        let before = Dictionary(uniqueKeysWithValues: oldMembers.map { ($0.key, $0.value) })
        let after = Dictionary(uniqueKeysWithValues: newMembers.map { ($0.key, $0.value) })
        let names = Set(before.keys).union(after.keys).sorted().filter { before[$0] != after[$0] }
        return names.map { name in
            let from = before[name].map(CanonicalJSON.encode) ?? "unset"
            let to = after[name].map(CanonicalJSON.encode) ?? "unset"
            return "\(name) \(from) → \(to)"
        }.joined(separator: ", ")
    }
}
