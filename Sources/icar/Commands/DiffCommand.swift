import ArgumentParser
import Foundation
import PipelineEngine

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two stored results: parameters of the whole upstream chain, input hashes, code versions and theory rows.",
        discussion: """
        Each of A and B names a store entry: a stage (its current result, or its last recorded one when stale), \
        STAGE@COMMIT (the stage's entry made at that git commit, from the manifests the store keeps), or an entry \
        key (a prefix of at least 6 hex digits, as `icar show` and `icar status` print it; e.g. two cells of a grid). \
        The two upstream chains are walked side by side, input slot by input slot; only what differs is printed.

        Examples:
          icar diff fig5-train-1layer fig5-train-2layer
          icar diff fig6-verify@3b97824 fig6-verify
          icar diff 1f3a9c07 8be21d44 --json
          # two cells of a grid (any dimension order; a slice must leave one cell):
          #   icar diff 'alpine-grid-train[nodes=100,layers=1,heads=1]' 'alpine-grid-train[layers=2,*]' → refused: 2 cells
          #   icar diff 'alpine-grid-train[nodes=100,layers=1,heads=1]' 'alpine-grid-train[heads=2,layers=2,nodes=100]'
        """
    )

    @OptionGroup var options: PipelineOptions

    @Argument(help: "The first entry: STAGE (or one cell, FAMILY[k=v,…]), STAGE@COMMIT or KEY.", completion: .stageNames)
    var a: String

    @Argument(help: "The second entry: STAGE (or one cell), STAGE@COMMIT or KEY.", completion: .stageNames)
    var b: String

    @Flag(help: "A JSON document (schema in README).")
    var json = false

    func run() throws {
        try reportingErrors {
            let pipeline = try options.load()
            let store = Store(root: pipeline.storeDirectory)
            let left = try resolve(a, pipeline, store), right = try resolve(b, pipeline, store)
            var differences = ChainDifferences()
            differences.compare(left, right, path: [], store: store)
            let leftRows = TheoryMetric.rows(of: left, store: store), rightRows = TheoryMetric.rows(of: right, store: store)
            let theory = theoryDifferences(leftRows, rightRows)
            if json {
                printJSON(["a": entryDocument(left), "b": entryDocument(right), "parameters": differences.parameters,
                           "inputs": differences.inputs, "code": differences.code, "theory": theory])
                return
            }
            printOut("A  \(left.stage)  key \(left.key.prefix(12))  commit \(left.gitCommit.prefix(12))  finished \(left.finishedAt)")
            printOut("B  \(right.stage)  key \(right.key.prefix(12))  commit \(right.gitCommit.prefix(12))  finished \(right.finishedAt)")
            if left.key == right.key { printOut("the same entry"); return }
            func section(_ title: String, _ lines: [[String: Any]], _ line: ([String: Any]) -> String) {
                guard !lines.isEmpty else { return }
                printOut(title)
                for entry in lines { printOut("  " + line(entry)) }
            }
            section("parameters", differences.parameters) { "\($0["stage"]!)  \($0["parameter"]!): \($0["a"]!) → \($0["b"]!)" }
            section("inputs", differences.inputs) { "\($0["stage"]!) ← \($0["slot"]!): content \($0["a"]!) → \($0["b"]!)" }
            section("code", differences.code) { "\($0["stage"]!)  \($0["field"]!): \($0["a"]!) → \($0["b"]!)" }
            let changed = theory.filter { ($0["a"] as? String) != ($0["b"] as? String) }
            if !changed.isEmpty {
                printOut("theory")
                printTable(["claim", "A", "B", "Δ"], changed.map { row in
                    [row["claim"] as! String, row["a"] as? String ?? "—", row["b"] as? String ?? "—", row["delta"] as? String ?? ""]
                })
            }
            if differences.parameters.isEmpty && differences.inputs.isEmpty && differences.code.isEmpty && changed.isEmpty {
                printOut("no difference in parameters, inputs, code or theory rows (the entries differ in: \(left.stage == right.stage ? "their run" : "stage name"))")
            }
        }
    }

    /// A, B → a manifest: a stage name, STAGE@COMMIT, or a key prefix.
    private func resolve(_ operand: String, _ pipeline: Pipeline, _ store: Store) throws -> Manifest {
        if let at = operand.lastIndex(of: "@") {
            let commit = String(operand[operand.index(after: at)...])
            guard let stage = try singleStage(String(operand[..<at]), pipeline) else {
                throw PipelineError.invalid("\(operand): no stage named '\(operand[..<at])'")
            }
            let matches = store.entryKeys.compactMap(store.manifest).filter { $0.stage == stage && !commit.isEmpty && $0.gitCommit.hasPrefix(commit) }
            guard let newest = matches.max(by: { $0.finishedAt < $1.finishedAt }) else {
                let commits = Set(store.entryKeys.compactMap(store.manifest).filter { $0.stage == stage }.map { String($0.gitCommit.prefix(12)) })
                throw PipelineError.invalid("\(operand): the store has no entry of \(stage) made at commit \(commit) (it has: \(commits.sorted().joined(separator: ", ")))")
            }
            return newest
        }
        if let stage = try singleStage(operand, pipeline) {
            let status = StagePlanner(pipeline: pipeline, store: store).statuses().first { $0.stage == stage }
            if let key = status?.key, status?.state == .cached, let manifest = store.manifest(key) { return manifest }
            if let record = store.record(for: stage), let manifest = store.manifest(record.key) { return manifest }
            throw PipelineError.invalid("\(operand) has no stored result (icar run '\(stage)')")
        }
        let keys = store.entryKeys.filter { operand.count >= 6 && $0.hasPrefix(operand.lowercased()) }
        guard keys.count == 1, let manifest = store.manifest(keys[0]) else {
            throw PipelineError.invalid(keys.count > 1 ? "\(operand): several entries start with it; give more digits"
                                        : "\(operand): neither a stage nor a stored entry key")
        }
        return manifest
    }

    /// The one stage `selector` names: a stage, or a family selector matching exactly one cell (cells may be
    /// written in any dimension order, or as a slice that leaves one cell); nil when it names no stage or family.
    private func singleStage(_ selector: String, _ pipeline: Pipeline) throws -> String? {
        if pipeline.stage(selector) != nil { return selector }
        guard selector.contains("[") || !pipeline.cells(of: selector).isEmpty else { return nil }
        let names = try StageSelection.stages(selector, in: pipeline)
        guard names.count == 1 else {
            throw PipelineError.invalid("'\(selector)' names \(names.count) cells; diff compares one entry with one: name a single cell, e.g. '\(names[0])'")
        }
        return names[0]
    }

    private func entryDocument(_ manifest: Manifest) -> [String: Any] {
        ["stage": manifest.stage, "key": manifest.key, "gitCommit": manifest.gitCommit, "icarVersion": manifest.icarVersion,
         "finishedAt": manifest.finishedAt]
    }

    /// Rows matched by table and claim; values as printed by `icar metrics`.
    private func theoryDifferences(_ left: [TheoryMetric], _ right: [TheoryMetric]) -> [[String: Any]] {
        var rows: [[String: Any]] = []
        let rightByClaim = Dictionary(right.map { ($0.table + "\u{1}" + $0.claim, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        for row in left {
            let id = row.table + "\u{1}" + row.claim
            seen.insert(id)
            let other = rightByClaim[id]
            var entry: [String: Any] = ["table": row.table, "claim": row.claim, "a": row.measuredText, "b": other?.measuredText ?? NSNull()]
            if let x = row.measured, let y = other?.measured { entry["delta"] = TheoryMetric.format(y - x) }
            rows.append(entry)
        }
        for row in right where !seen.contains(row.table + "\u{1}" + row.claim) {
            rows.append(["table": row.table, "claim": row.claim, "a": NSNull(), "b": row.measuredText])
        }
        return rows
    }
}

/// What differs between two upstream chains, walked side by side through their input slots.
struct ChainDifferences {
    var parameters: [[String: Any]] = []
    var inputs: [[String: Any]] = []
    var code: [[String: Any]] = []

    mutating func compare(_ a: Manifest, _ b: Manifest, path: [String], store: Store) {
        let label = a.stage == b.stage ? a.stage : "\(a.stage) | \(b.stage)"
        let where_ = (path + [label]).joined(separator: " ← ")
        if a.key == b.key { return }
        let before = memberValues(a.parameters), after = memberValues(b.parameters)
        for name in Set(before.keys).union(after.keys).sorted() where before[name] != after[name] {
            parameters.append(["stage": where_, "parameter": name, "a": before[name] ?? "unset", "b": after[name] ?? "unset"])
        }
        for (field, x, y) in [("kind", a.kind, b.kind), ("implementation version", "\(a.version)", "\(b.version)"),
                              ("icar version", a.icarVersion, b.icarVersion), ("git commit", a.gitCommit, b.gitCommit)] where x != y {
            code.append(["stage": where_, "field": field, "a": x, "b": y])
        }
        for slot in Set(a.inputs.keys).union(b.inputs.keys).sorted() {
            let x = a.inputs[slot], y = b.inputs[slot]
            if x?.contentHash != y?.contentHash {
                inputs.append(["stage": where_, "slot": slot, "a": x.map { String($0.contentHash.prefix(12)) } ?? "none",
                               "b": y.map { String($0.contentHash.prefix(12)) } ?? "none"])
            }
            if let x, let y, x.key != y.key, let upstreamA = store.manifest(x.key), let upstreamB = store.manifest(y.key) {
                compare(upstreamA, upstreamB, path: path + [label], store: store)
            }
        }
    }

    /// A canonical parameter object's members as canonical JSON texts.
    private func memberValues(_ text: String) -> [String: String] {
        guard case let .object(members)? = try? JSONParser.parse(text) else { return [:] }
        return Dictionary(members.map { ($0.key, CanonicalJSON.encode($0.value)) }, uniquingKeysWith: { first, _ in first })
    }
}
