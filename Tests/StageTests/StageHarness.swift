import Foundation
import HDF5
@testable import PaperStages
@testable import PipelineEngine

/// Runs a stage kind in this process, in a fresh temporary directory, as the stage process would.
final class StageHarness {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "icar-stage-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Runs `kind` with `parameters` (validated like pipeline.json) into a new output directory, which it returns.
    @discardableResult
    func run(_ kind: any StageKind, _ parameters: String, inputs: [String: String] = [:], name: String = "out") throws -> String {
        let pipeline = try PipelineLoader(registry: { var r = StageRegistry(); r.register(kind); return r }())
            .load(text: #"{"stages": {"s": {"kind": "\#(kind.name)", "params": \#(parameters)}}}"#)
        let output = directory + "/" + name
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let locations = inputs.mapValues { StageInputLocation(stage: "upstream", key: "k", contentHash: "h", directory: $0) }
        let context = StageContext(stageName: "s", kindName: kind.name, kindVersion: kind.version, key: "test-key",
                                   parameters: pipeline.stage("s")!.parameters, inputs: locations,
                                   outputDirectory: output, progress: { _ in })
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
