import Foundation
import HDF5
@testable import InContextStages
@testable import StageSupport
@testable import PipelineEngine

/// Runs a stage kind in this process, in a fresh temporary directory, as the stage process would.
final class StageHarness {
    let directory: String
    /// Warnings the stages printed for the terminal (failed theory rows).
    private(set) var warnings: [String] = []

    init() throws {
        directory = NSTemporaryDirectory() + "icar-stage-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Runs `kind` with `parameters` (validated like pipeline.json) into a new output directory, which it returns.
    @discardableResult
    func run(_ kind: any StageKind, _ parameters: String, inputs: [String: String] = [:], name: String = "out") throws -> String {
        // Validate the parameters exactly as pipeline.json would, with a placeholder stage feeding every input.
        let bindings = inputs.keys.map { "\"\($0)\": \"u\"" }.joined(separator: ", ")
        let pipeline = try PipelineLoader(registry: { var r = StageRegistry(); r.register(kind); r.register(Placeholder()); return r }())
            .load(text: #"{"stages": {"u": {"kind": "placeholder"}, "s": {"kind": "\#(kind.name)", "params": \#(parameters), "inputs": {\#(bindings)}}}}"#, baseDirectory: directory)
        let output = directory + "/" + name
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let locations = inputs.mapValues { StageInputLocation(stage: "upstream", key: "k", contentHash: "h", directory: $0) }
        let context = StageContext(stageName: "s", kindName: kind.name, kindVersion: kind.version, key: "test-key",
                                   parameters: pipeline.stage("s")!.parameters, inputs: locations,
                                   outputDirectory: output, progress: { [weak self] update in
                                       if update.step == ProgressUpdate.warningStep { self?.warnings.append(update.message) }
                                   })
        // As the scheduler hands them over: the project files the loader hashed (here, in the harness directory).
        context.projectDirectory = pipeline.baseDirectory
        context.projectFiles = pipeline.stage("s")!.projectFiles
        try kind.run(context)
        return output
    }
}

/// Runs an external program and returns its exit status and standard output.
func runProgram(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Stands for the upstream stages of a stage under test.
private struct Placeholder: StageKind {
    let name = "placeholder"
    let version = 1
    let summary = "test placeholder"
    let parameters: [ParameterSpec] = []
    func run(_ context: StageContext) throws {}
}

/// Whether a theory table's markdown says every checked row passes and holds `rows` rows in all.
func allRowsPass(_ markdown: String, rows: Int) -> Bool {
    let tableRows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| claim ") }
    return markdown.contains(": all pass") && !markdown.contains("FAIL") && tableRows.count == rows
}
