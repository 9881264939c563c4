import ArgumentParser
import Foundation
import AllPapers
import PipelineEngine

/// Options every command that reads pipeline.json shares.
struct PipelineOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The pipeline file.", valueName: "path"))
    var pipeline = "pipeline.json"

    @Option(name: .long, help: ArgumentHelp("Parameter profile of pipeline.json (default: its default_profile, e.g. paper; quick for small sizes).", valueName: "name"))
    var profile: String?

    func load(overrides: [ParameterOverride] = []) throws -> Pipeline {
        try PipelineLoader(registry: AllPapers.registry()).load(path: pipeline, profile: profile, overrides: overrides)
    }
}

/// Runs a command body, turning a `PipelineError` into one message on standard error and its exit status.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as PipelineError {
        FileHandle.standardError.write(Data("icar: error: \(error.message)\n".utf8))
        throw ExitCode(error.exitStatus)
    }
}

func printOut(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// The path of the running icar binary, so stage processes run the same code.
func currentExecutable() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}

/// The git commit of the directory holding pipeline.json, with "-dirty" when tracked files changed.
func gitCommit(in directory: String) -> String {
    func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    guard let head = git(["rev-parse", "HEAD"]) else { return "unknown" }
    let dirty = git(["status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty } ?? false
    return dirty ? head + "-dirty" : head
}

/// Keys of every entry the pipeline still reaches, under any of its profiles (see `StagePlanner.reachableKeys`).
func reachableKeys(_ options: PipelineOptions, _ pipeline: Pipeline, store: Store) throws -> [String: String] {
    let loader = PipelineLoader(registry: AllPapers.registry())
    let variants = try pipeline.profiles.map { try loader.load(path: options.pipeline, profile: $0) }
    return StagePlanner.reachableKeys(pipeline: pipeline, profiles: variants, store: store)
}
