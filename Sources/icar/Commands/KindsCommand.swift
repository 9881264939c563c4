import ArgumentParser
import Foundation
import AllPapers
import PipelineEngine
import StageSupport

struct KindsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kinds",
        abstract: "List the stage kinds, or one kind's parameters and inputs, for writing pipeline.json.",
        discussion: """
        Examples:
          icar kinds
          icar kinds generate-sequences
          icar kinds train-multihead --json
        """
    )

    @Argument(help: "A kind to describe in full: its parameters, inputs and the datasets of its HDF5 files.")
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
                for input in found.inputs {
                    let notes = (input.optional ? " (optional)" : "") + (input.family ? " (a whole family: \"\(input.name)\": \"FAMILY[*]\")" : "")
                    printOut("  \(input.name)\(notes): \(input.help)")
                }
            }
            let datasets = Self.datasets(of: found)
            if !datasets.isEmpty {
                printOut("datasets:")
                var file = ""
                for dataset in datasets {
                    if dataset.file != file { file = dataset.file; printOut("  \(file)") }
                    let shape = dataset.axes.map { "\($0.name): \($0.length)" }.joined(separator: ", ")
                    printOut("    \(dataset.name)  [\(shape)]")
                    printOut("        \(dataset.description)")
                }
            }
        }
    }

    private func document(_ kind: any StageKind) -> [String: Any] {
        ["name": kind.name, "version": kind.version, "summary": kind.summary,
         "parameters": kind.parameters.map { parameter -> [String: Any] in
             ["name": parameter.name, "type": "\(parameter.type)", "help": parameter.help,
              "default": parameter.defaultValue.map { jsonObject(CanonicalJSON.encode($0)) } ?? NSNull()]
         },
         "inputs": kind.inputs.map { ["name": $0.name, "optional": $0.optional, "family": $0.family, "help": $0.help] },
         "datasets": Self.datasets(of: kind).map { dataset -> [String: Any] in
             ["file": dataset.file, "name": dataset.name, "description": dataset.description,
              "axes": dataset.axes.map { ["name": $0.name, "length": $0.length] }]
         }]
    }

    /// The kind's declared datasets grouped by file (in declaration order within a file); none for a kind that
    /// writes no HDF5.
    static func datasets(of kind: any StageKind) -> [DatasetDeclaration] {
        let declared = (kind as? any DeclaresDatasets)?.datasets ?? []
        let files = declared.map(\.file).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return files.flatMap { file in declared.filter { $0.file == file } }
    }
}
