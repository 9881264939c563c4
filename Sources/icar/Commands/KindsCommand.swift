import ArgumentParser
import Foundation
import AllPapers
import PipelineEngine

struct KindsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kinds",
        abstract: "List the stage kinds, or one kind's parameters and inputs, for writing pipeline.json.",
        discussion: """
        Examples:
          icar kinds
          icar kinds generate-sequences
        """
    )

    @Argument(help: "A kind to describe in full.")
    var kind: String?

    @Flag(help: "A JSON document (schema in README).")
    var json = false

    func run() throws {
        try reportingErrors {
            let registry = AllPapers.registry()
            guard let kind else {
                if json { printJSON(registry.sortedNames.map { document(registry[$0]!) }); return }
                // Padded to the longest name: a name is never cut.
                let width = registry.sortedNames.map(\.count).max() ?? 0
                for name in registry.sortedNames {
                    let kind = registry[name]!
                    printOut("\(name.padding(toLength: width, withPad: " ", startingAt: 0))  v\(kind.version)  \(kind.summary)")
                }
                return
            }
            guard let found = registry[kind] else { throw PipelineError.invalid("unknown kind '\(kind)' (icar kinds lists them)") }
            if json { printJSON(document(found)); return }
            printOut("\(found.name) (implementation version \(found.version))")
            printOut("  \(found.summary)")
            printOut("parameters:")
            for parameter in found.parameters {
                let fallback = parameter.defaultValue.map { " = " + CanonicalJSON.encode($0) } ?? " (required)"
                printOut("  \(parameter.name): \(parameter.type)\(fallback)")
                printOut("      \(parameter.help)")
            }
            if !found.inputs.isEmpty {
                printOut("inputs:")
                for input in found.inputs { printOut("  \(input.name)\(input.optional ? " (optional)" : ""): \(input.help)") }
            }
        }
    }

    private func document(_ kind: any StageKind) -> [String: Any] {
        ["name": kind.name, "version": kind.version, "summary": kind.summary,
         "parameters": kind.parameters.map { parameter -> [String: Any] in
             ["name": parameter.name, "type": "\(parameter.type)", "help": parameter.help,
              "default": parameter.defaultValue.map { jsonObject(CanonicalJSON.encode($0)) } ?? NSNull()]
         },
         "inputs": kind.inputs.map { ["name": $0.name, "optional": $0.optional, "help": $0.help] }]
    }
}
