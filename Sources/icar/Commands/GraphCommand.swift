import ArgumentParser
import Foundation
import PipelineEngine

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the stage graph as Graphviz DOT or Mermaid, each stage coloured by its state.",
        discussion: """
        Examples:
          icar graph | dot -Tpng -o pipeline.png
          icar graph --format mermaid > pipeline.mmd
          icar graph --expand                # every cell of each family
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case dot, mermaid }

    @OptionGroup var options: PipelineOptions

    @Option(help: "dot or mermaid.")
    var format: Format = .dot

    @Flag(help: "Draw every cell of each family instead of one node per family.")
    var expand = false

    @Flag(help: "A JSON document of stages and edges instead (schema in README); it lists every cell.")
    var json = false

    /// One box of the drawing: a stage, or a whole family unless expanded.
    struct Node {
        let name: String
        let kind: String
        let state: StageStatus.State
        let detail: String
    }

    func run() throws {
        try reportingErrors {
            let pipeline = try options.load()
            let statuses = StagePlanner(pipeline: pipeline, store: Store(root: pipeline.storeDirectory)).statuses()
            let state = Dictionary(uniqueKeysWithValues: statuses.map { ($0.stage, $0.state) })
            if json {
                printJSON(["stages": pipeline.stages.map { stage -> [String: Any] in
                               var document: [String: Any] = ["name": stage.name, "kind": stage.kind.name, "state": state[stage.name]!.rawValue]
                               document.merge(FamilyDisplay.cellMembers(stage)) { $1 }
                               return document
                           },
                           "families": FamilyDisplay.familyDocuments(statuses, pipeline: pipeline),
                           "edges": pipeline.stages.flatMap { stage in
                               stage.inputs.sorted { $0.key < $1.key }.map { ["from": $0.value, "to": stage.name, "slot": $0.key] }
                           }])
                return
            }
            // Nodes in file order; a family's node stands for all its cells, and its edges are drawn once.
            let familyOf = Dictionary(uniqueKeysWithValues: pipeline.stages.map { ($0.name, $0.family) })
            func node(_ stage: String) -> String {
                guard !expand, let family = familyOf[stage] ?? nil else { return stage }
                return FamilyDisplay.label(family)
            }
            var nodes: [Node] = []
            var seen = Set<String>()
            for stage in pipeline.stages where seen.insert(node(stage.name)).inserted {
                if node(stage.name) == stage.name {
                    nodes.append(Node(name: stage.name, kind: stage.kind.name, state: state[stage.name]!, detail: state[stage.name]!.rawValue))
                } else {
                    let cells = pipeline.cells(of: stage.family!).map { state[$0.name]! }
                    nodes.append(Node(name: node(stage.name), kind: stage.kind.name,
                                      state: cells.allSatisfy { $0 == .cached } ? .cached : .stale,
                                      detail: FamilyDisplay.counts(cells)))
                }
            }
            var edges: [(from: String, to: String, slot: String)] = []
            var seenEdges = Set<String>()
            for stage in pipeline.stages {
                for (slot, source) in stage.inputs.sorted(by: { $0.key < $1.key }) {
                    // A family slot's inputs SLOT[k=v,…] are one edge SLOT[*] when the family is one node.
                    let label = !expand && slot.hasSuffix("]") ? String(slot.prefix { $0 != "[" }) + "[*]" : slot
                    let edge = (from: node(source), to: node(stage.name), slot: label)
                    if seenEdges.insert("\(edge.from)\u{0}\(edge.to)\u{0}\(edge.slot)").inserted { edges.append(edge) }
                }
            }
            switch format {
            case .dot:
                printOut("digraph icar {")
                printOut("  rankdir=LR; node [shape=box, style=filled, fontname=\"Helvetica\"];")
                for node in nodes {
                    let colour = node.state == .cached ? "#c7e9c0" : "#fdd0a2"
                    printOut("  \"\(node.name)\" [label=\"\(node.name)\\n\(node.kind)\\n\(node.detail)\", fillcolor=\"\(colour)\"];")
                }
                for edge in edges {
                    printOut("  \"\(edge.from)\" -> \"\(edge.to)\" [label=\"\(edge.slot)\"];")
                }
                printOut("}")
            case .mermaid:
                printOut("flowchart LR")
                let ids = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.name, "s\($0)") })
                for node in nodes {
                    printOut("  \(ids[node.name]!)[\"\(node.name)<br/>\(node.kind)\(node.detail == node.state.rawValue ? "" : "<br/>" + node.detail)\"]:::\(node.state.rawValue)")
                }
                for edge in edges {
                    // Brackets in an unquoted edge label would read as a node shape.
                    let label = edge.slot.contains("[") ? "-->|\"\(edge.slot)\"|" : "-- \(edge.slot) -->"
                    printOut("  \(ids[edge.from]!) \(label) \(ids[edge.to]!)")
                }
                printOut("  classDef cached fill:#c7e9c0;")
                printOut("  classDef stale fill:#fdd0a2;")
            }
        }
    }
}
