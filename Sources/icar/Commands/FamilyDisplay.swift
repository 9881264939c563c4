import Foundation
import PipelineEngine

/// How commands show families: one line or node per family unless expanded, with counts of its cells' states.
enum FamilyDisplay {
    /// `x[…]`: a family as one item.
    static func label(_ family: String) -> String { family + "[…]" }

    /// `4 cells: 3 cached, 1 stale`.
    static func counts(_ states: [StageStatus.State]) -> String {
        let cached = states.filter { $0 == .cached }.count
        var parts: [String] = []
        if cached > 0 { parts.append("\(cached) cached") }
        if cached < states.count { parts.append("\(states.count - cached) stale") }
        return "\(states.count) cell\(states.count == 1 ? "" : "s"): " + parts.joined(separator: ", ")
    }

    /// Rows to show in order: a stage alone, or a family gathered at the place of its first cell.
    enum Row {
        case stage(StageStatus)
        case family(String, [StageStatus])
    }

    static func rows(_ statuses: [StageStatus], pipeline: Pipeline, expanded: Bool) -> [Row] {
        let familyOf = Dictionary(uniqueKeysWithValues: pipeline.stages.map { ($0.name, $0.family) })
        var rows: [Row] = []
        var placed: [String: Int] = [:]
        for status in statuses {
            guard !expanded, let family = familyOf[status.stage] ?? nil else {
                rows.append(.stage(status))
                continue
            }
            if let index = placed[family], case let .family(name, cells) = rows[index] {
                rows[index] = .family(name, cells + [status])
            } else {
                placed[family] = rows.count
                rows.append(.family(family, [status]))
            }
        }
        return rows
    }

    /// The `family` and `cell` members of a cell's JSON document (nothing for a plain stage).
    static func cellMembers(_ stage: ResolvedStage?) -> [String: Any] {
        guard let stage, let family = stage.family else { return [:] }
        return ["family": family, "cell": Dictionary(uniqueKeysWithValues: stage.cell.map {
            ($0.name, jsonObject(CanonicalJSON.encode($0.value)))
        })]
    }

    /// Per family: its cells and how many are cached, for the `families` member of `--json` documents.
    static func familyDocuments(_ statuses: [StageStatus], pipeline: Pipeline) -> [[String: Any]] {
        let state = Dictionary(uniqueKeysWithValues: statuses.map { ($0.stage, $0.state) })
        return pipeline.families.compactMap { family -> [String: Any]? in
            let cells = pipeline.cells(of: family).filter { state[$0.name] != nil }
            guard !cells.isEmpty else { return nil }
            return ["name": family, "dimensions": cells[0].cell.map(\.name), "cells": cells.map(\.name),
                    "cached": cells.filter { state[$0.name] == .cached }.count,
                    "stale": cells.filter { state[$0.name] == .stale }.count]
        }
    }
}
