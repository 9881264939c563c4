import Foundation
import Testing

/// A temporary project directory with its own pipeline.json and store, driving the real `icar` binary.
final class Testbed {
    let directory: String

    init(_ pipeline: String, under parent: String = NSTemporaryDirectory()) throws {
        directory = (parent.hasSuffix("/") ? parent : parent + "/") + "icar-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try write(pipeline)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func write(_ pipeline: String) throws {
        try pipeline.write(toFile: directory + "/pipeline.json", atomically: true, encoding: .utf8)
    }

    struct Outcome {
        let status: Int32
        let output: String
        let error: String
    }

    /// The icar binary built beside the test bundle.
    static var executable: String {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = (testBinary as NSString).deletingLastPathComponent
        while !FileManager.default.fileExists(atPath: directory + "/icar"), directory != "/" {
            directory = (directory as NSString).deletingLastPathComponent
        }
        return directory + "/icar"
    }

    func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["ICAR_TEST_KINDS"] = "1"
        environment.merge(extra) { $1 }
        process.environment = environment
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        return (process, output, error)
    }

    @discardableResult
    func icar(_ arguments: String...) throws -> Outcome {
        try icar(arguments)
    }

    func icar(_ arguments: [String]) throws -> Outcome {
        let (process, output, error) = try start(arguments)
        return finish(process, output, error)
    }

    func finish(_ process: Process, _ output: Pipe, _ error: Pipe) -> Outcome {
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                       error: String(decoding: err, as: UTF8.self))
    }

    var entries: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/data/entries")) ?? []).sorted()
    }

    func read(_ relativePath: String) -> String? {
        try? String(contentsOfFile: directory + "/" + relativePath, encoding: .utf8)
    }

    /// The key the store holds for `stage` (from its record).
    func key(of stage: String) -> String? {
        guard let data = FileManager.default.contents(atPath: directory + "/data/records/\(stage).json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["key"] as? String
    }

    func entryFile(_ stage: String, _ file: String) -> String? {
        key(of: stage).map { directory + "/data/entries/\($0)/\(file)" }
    }

    /// The status line of `stage` in `icar status`.
    func statusLine(_ stage: String) throws -> String {
        let outcome = try icar("status")
        return outcome.output.split(separator: "\n").first { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first == Substring(stage) }.map(String.init) ?? ""
    }
}

/// A small pipeline of test-echo stages: a and b are independent, c uses both, d uses c.
func echoPipeline(aText: String = "A", sleepA: Double = 0, sleepB: Double = 0, failC: Bool = false) -> String {
    """
    {"stages": {
      "a": {"kind": "test-echo", "params": {"text": "\(aText)", "sleep_seconds": \(sleepA)}},
      "b": {"kind": "test-echo", "params": {"text": "B", "sleep_seconds": \(sleepB)}},
      "c": {"kind": "test-echo", "params": {"text": "C", "fail": \(failC), "publish": "c.txt"}, "inputs": {"a": "a", "b": "b"}},
      "d": {"kind": "test-echo", "params": {"text": "D"}, "inputs": {"a": "c"}}
    }}
    """
}
