import Foundation

/// A stage kind for the engine's own tests (registered only when ICAR_TEST_KINDS=1): writes its text, followed by
/// its inputs' text, to echo.txt; can fail, sleep half-way through writing, and publish a figure file.
public struct EchoStageKind: StageKind {
    public init() {}

    public let name = "test-echo"
    public let version = 1
    public let summary = "Engine test stage: concatenates text (hidden unless ICAR_TEST_KINDS=1)"
    public let parameters: [ParameterSpec] = [
        ParameterSpec("text", .string, default: .string(""), help: "text written to echo.txt"),
        ParameterSpec("fail", .boolean, default: .bool(false), help: "throw an error after writing part of the output"),
        ParameterSpec("fail_message", .string, default: .string("test-echo was asked to fail"),
                      help: "the error thrown when fail is set (may span lines, like a program's error output)"),
        ParameterSpec("sleep_seconds", .number, default: .number(0), help: "pause after writing half of the output",
                      minimum: 0),
        ParameterSpec("publish", .string, default: .string(""), help: "also write this file and publish it to figures/"),
    ]
    public let inputs = [
        InputSlot("a", help: "first text to append", optional: true),
        InputSlot("b", help: "second text to append", optional: true),
    ]

    public func publishedFiles(_ parameters: StageParameters) -> [String] {
        let file = parameters.string("publish")
        return file.isEmpty ? [] : [file]
    }

    public func estimatedSeconds(_ parameters: StageParameters) -> Double { parameters.number("sleep_seconds") }

    public func run(_ context: StageContext) throws {
        var text = context.parameters.string("text")
        for slot in ["a", "b"] where context.hasInput(slot) {
            text += try String(contentsOfFile: try context.inputFile(slot, "echo.txt"), encoding: .utf8)
        }
        let path = context.outputFile("echo.txt")
        let half = text.utf8.count / 2
        try Data(text.utf8.prefix(half)).write(to: URL(fileURLWithPath: path))
        context.progress(1, of: 2, "half written")
        let pause = context.parameters.number("sleep_seconds")
        if pause > 0 { Thread.sleep(forTimeInterval: pause) }
        if context.parameters.boolean("fail") { throw PipelineError(context.parameters.string("fail_message")) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let figure = context.parameters.string("publish")
        if !figure.isEmpty { try Data(("figure: " + text).utf8).write(to: URL(fileURLWithPath: context.outputFile(figure))) }
        context.progress(2, of: 2, "done")
    }

    /// Adds the test kinds to `registry` when the environment asks for them.
    public static func registerIfRequested(into registry: inout StageRegistry) {
        if ProcessInfo.processInfo.environment["ICAR_TEST_KINDS"] == "1" {
            registry.register(EchoStageKind())
            registry.register(GatherStageKind())
        }
    }
}
