import Foundation

/// Runs a program found on PATH and collects its standard output and error apart: what the tests use to drive
/// swift, python3 and other tools that are not icar.
func runCommand(_ arguments: [String]) throws -> (status: Int32, output: Data, error: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    // Standard error is drained beside standard output, so that neither pipe can fill up and stall the program.
    let drained = DispatchGroup()
    nonisolated(unsafe) var errorData = Data()
    DispatchQueue.global().async(group: drained) { errorData = error.fileHandleForReading.readDataToEndOfFile() }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    drained.wait()
    process.waitUntilExit()
    return (process.terminationStatus, outputData, errorData)
}
