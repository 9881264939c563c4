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
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case dot, mermaid }

    @OptionGroup var options: PipelineOptions

    @Option(help: "dot or mermaid.")
    var format: Format = .dot

    @Flag(help: "A JSON document of stages and edges instead (schema in README).")
    var json = false

    func run() throws {
        try reportingErrors {
            let pipeline = try options.load()
            let statuses = StagePlanner(pipeline: pipeline, store: Store(root: pipeline.storeDirectory)).statuses()
            let state = Dictionary(uniqueKeysWithValues: statuses.map { ($0.stage, $0.state) })
            if json {
                printJSON(["stages": pipeline.stages.map { ["name": $0.name, "kind": $0.kind.name, "state": state[$0.name]!.rawValue] },
                           "edges": pipeline.stages.flatMap { stage in
                               stage.inputs.sorted { $0.key < $1.key }.map { ["from": $0.value, "to": stage.name, "slot": $0.key] }
                           }])
                return
            }
            switch format {
            case .dot:
                printOut("digraph icar {")
                printOut("  rankdir=LR; node [shape=box, style=filled, fontname=\"Helvetica\"];")
                for stage in pipeline.stages {
                    let colour = state[stage.name] == .cached ? "#c7e9c0" : "#fdd0a2"
                    printOut("  \"\(stage.name)\" [label=\"\(stage.name)\\n\(stage.kind.name)\\n\(state[stage.name]!.rawValue)\", fillcolor=\"\(colour)\"];")
                }
                for stage in pipeline.stages {
                    for (slot, source) in stage.inputs.sorted(by: { $0.key < $1.key }) {
                        printOut("  \"\(source)\" -> \"\(stage.name)\" [label=\"\(slot)\"];")
                    }
                }
                printOut("}")
            case .mermaid:
                printOut("flowchart LR")
                let ids = Dictionary(uniqueKeysWithValues: pipeline.stages.enumerated().map { ($1.name, "s\($0)") })
                for stage in pipeline.stages {
                    printOut("  \(ids[stage.name]!)[\"\(stage.name)<br/>\(stage.kind.name)\"]:::\(state[stage.name]!.rawValue)")
                }
                for stage in pipeline.stages {
                    for (slot, source) in stage.inputs.sorted(by: { $0.key < $1.key }) {
                        printOut("  \(ids[source]!) -- \(slot) --> \(ids[stage.name]!)")
                    }
                }
                printOut("  classDef cached fill:#c7e9c0;")
                printOut("  classDef stale fill:#fdd0a2;")
            }
        }
    }
}
