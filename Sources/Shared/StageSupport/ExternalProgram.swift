import Foundation
import PipelineEngine

/// Runs the external programs stages rely on (gnuplot, python3 for pip and archives), found on PATH.
public enum ExternalProgram {
    /// Runs `arguments`; returns standard output and error together, throws with the tail of that output when the
    /// program cannot start or exits non-zero.
    public static func run(_ arguments: [String], environment: [String: String]? = nil, directory: String? = nil) throws -> String {
        let process = Process()
        // setpriv --pdeathsig: the kernel kills the program when its stage process dies (a killed stage must not
        // leave gnuplot or pip running on).
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--pdeathsig", "KILL", "--", "/usr/bin/env"] + arguments
        if var environment {
            // Scratch space stays inside the store's tmp/ (set by the stage process), where the next run cleans it.
            if environment["TMPDIR"] == nil { environment["TMPDIR"] = ProcessInfo.processInfo.environment["TMPDIR"] }
            process.environment = environment
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw PipelineError("cannot start \(arguments[0]): \(error)")
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let missing = process.terminationStatus == 127 ? " (not installed? scripts/bootstrap installs it)" : ""
            throw PipelineError("\(arguments.prefix(4).joined(separator: " ")) failed (exit \(process.terminationStatus))\(missing):\n"
                                + String(output.suffix(1500)))
        }
        return output
    }
}
