/// Which stages a name on the command line means (`icar run/status/show/graph STAGE…`):
///
///     fig3-train                   the stage, or every cell of the family of that name
///     alpine-train[*]              every cell of the family
///     alpine-train[nodes=200,*]    the cells with nodes = 200, whatever their other coordinates
///     alpine-train[layers=2,heads=3,nodes=200]   one cell, also when written `nodes=2e2` or in another order
///
/// Values compare after normalisation (`200`, `200.0` and `2e2` are one number); without `*` every dimension must
/// be named.
public enum StageSelection {
    /// The stages `selectors` name, each selector's in pipeline order, without repeats.
    public static func stages(_ selectors: [String], in pipeline: Pipeline) throws -> [String] {
        var seen = Set<String>()
        return try selectors.flatMap { try stages($0, in: pipeline) }.filter { seen.insert($0).inserted }
    }

    public static func stages(_ selector: String, in pipeline: Pipeline) throws -> [String] {
        if pipeline.stage(selector) != nil { return [selector] }
        let family = pipeline.cells(of: selector)
        if !family.isEmpty { return family.map(\.name) }
        guard let open = selector.firstIndex(of: "["), selector.hasSuffix("]") else {
            let candidates = pipeline.stages.filter { $0.family == nil }.map(\.name) + pipeline.families
            let hint = PipelineLoader.closest(selector, among: candidates).map { " — did you mean '\($0)'?" } ?? ""
            throw PipelineError.invalid("no stage named '\(selector)' in the pipeline\(hint)")
        }
        let base = String(selector[..<open])
        let cells = pipeline.cells(of: base)
        guard !cells.isEmpty else {
            if pipeline.stage(base) != nil {
                throw PipelineError.invalid("'\(selector)': stage '\(base)' is not a family (it has no matrix and no family input)")
            }
            let hint = PipelineLoader.closest(base, among: pipeline.families).map { " — did you mean '\($0)'?" } ?? ""
            throw PipelineError.invalid("'\(selector)': no family named '\(base)' in the pipeline\(hint)")
        }
        let dimensions = cells[0].cell.map(\.name)
        let inner = selector[selector.index(after: open)..<selector.index(before: selector.endIndex)]
        var wildcard = false
        var wanted: [(name: String, text: String)] = []
        for part in inner.split(separator: ",", omittingEmptySubsequences: false) {
            if part == "*" { wildcard = true; continue }
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else {
                throw PipelineError.invalid("'\(selector)': expected NAME=VALUE or '*' between the brackets, got '\(part)' "
                    + "(\(describe(base, cells)))")
            }
            let name = String(pieces[0])
            guard dimensions.contains(name) else {
                throw PipelineError.invalid("'\(selector)': family '\(base)' has no dimension \"\(name)\" (\(describe(base, cells)))")
            }
            guard !wanted.contains(where: { $0.name == name }) else {
                throw PipelineError.invalid("'\(selector)': dimension \"\(name)\" is named twice")
            }
            wanted.append((name, String(pieces[1])))
        }
        if !wildcard && wanted.count < dimensions.count {
            let missing = dimensions.filter { name in !wanted.contains { $0.name == name } }
            throw PipelineError.invalid("'\(selector)' does not give \(missing.joined(separator: ", ")); add ',*' to select "
                + "every cell with the values given (\(describe(base, cells)))")
        }
        let matching = cells.filter { stage in
            wanted.allSatisfy { want in stage.cell.contains { $0.name == want.name && matches(want.text, $0.value) } }
        }
        guard !matching.isEmpty else {
            throw PipelineError.invalid("'\(selector)' matches no cell (\(describe(base, cells)))")
        }
        return matching.map(\.name)
    }

    /// Whether the text of a selector's value means `value`: parsed as JSON and compared by value, or, for a string
    /// dimension, the same text.
    static func matches(_ text: String, _ value: JSONValue) -> Bool {
        if case let .string(string) = value { return string == text }
        guard let parsed = try? JSONParser.parse(text) else { return false }
        return StageCell.sameValue(parsed, value)
    }

    /// `family 'x' has dimensions layers ∈ {1, 2}, nodes ∈ {100, 200}` — what a selector may name.
    public static func describe(_ family: String, _ cells: [ResolvedStage]) -> String {
        let dimensions = cells.first?.cell.map(\.name) ?? []
        let listed = dimensions.map { name -> String in
            var values: [String] = []
            for stage in cells {
                if let value = stage.cell.first(where: { $0.name == name }).map({ StageCell.render($0.value) }),
                   !values.contains(value) { values.append(value) }
            }
            return "\(name) ∈ {\(values.joined(separator: ", "))}"
        }
        return "family '\(family)' has \(cells.count) cells over \(listed.joined(separator: ", "))"
    }
}
