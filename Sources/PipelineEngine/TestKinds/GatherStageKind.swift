import Foundation

/// A stage kind for the engine's own tests of families (registered only when ICAR_TEST_KINDS=1): reads every cell
/// of the family bound to `parts` and writes one line per cell, `k=v,… scale×: TEXT`, to gather.txt, in the order
/// of the family's grid; `scale` repeats each text, so a matrix over it gives cells with different outputs.
public struct GatherStageKind: StageKind {
    public init() {}

    public let name = "test-gather"
    public let version = 1
    public let summary = "Engine test stage: gathers a family's echo.txt files (hidden unless ICAR_TEST_KINDS=1)"
    public let parameters: [ParameterSpec] = [
        ParameterSpec("scale", .integer, default: .integer(1), help: "how many times each cell's text is repeated",
                      minimum: 1),
        ParameterSpec("label", .string, default: .string(""), help: "first line of gather.txt"),
    ]
    public let inputs = [
        InputSlot("parts", help: "the family whose echo.txt files are gathered (\"parts\": \"FAMILY[*]\")", family: true),
        InputSlot("extra", help: "one more echo.txt appended at the end", optional: true),
    ]

    public func run(_ context: StageContext) throws {
        let scale = context.parameters.integer("scale")
        var lines = [context.parameters.string("label")]
        for part in context.familyInputs("parts") {
            let text = try String(contentsOfFile: try context.inputFile(part.slot, "echo.txt"), encoding: .utf8)
            lines.append(part.cell.map(\.text).joined(separator: ",") + " \(scale)×: "
                + String(repeating: text, count: scale))
        }
        if context.hasInput("extra") {
            lines.append("extra: " + (try String(contentsOfFile: try context.inputFile("extra", "echo.txt"), encoding: .utf8)))
        }
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: context.outputFile("gather.txt")))
    }
}
