import ArgumentParser
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

    func run() throws {
        try reportingErrors {
            let registry = AllPapers.registry()
            guard let kind else {
                for name in registry.sortedNames {
                    let kind = registry[name]!
                    printOut("\(name.padding(toLength: 24, withPad: " ", startingAt: 0)) v\(kind.version)  \(kind.summary)")
                }
                return
            }
            guard let found = registry[kind] else { throw PipelineError.invalid("unknown kind '\(kind)' (icar kinds lists them)") }
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
}
