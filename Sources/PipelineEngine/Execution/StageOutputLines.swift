import Foundation

/// Reads what a stage process prints (its standard output, or its Slurm log file as it grows): progress lines
/// become updates, `@icar-error` lines the failure message, and the last other lines are kept for a failure without one.
struct StageOutputLines {
    private var pending = Data()
    private(set) var lastLines: [String] = []
    private(set) var failureMessage: String?

    mutating func consume(_ chunk: Data, onUpdate: (ProgressUpdate) -> Void) {
        pending.append(chunk)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
            pending.removeSubrange(pending.startIndex...newline)
            if let update = ProgressUpdate.parse(line[...]) {
                onUpdate(update)
            } else if line.hasPrefix(LocalProcessExecutor.errorPrefix) {
                // A message of several lines (an external program's own error output) arrives line by line.
                let part = String(line.dropFirst(LocalProcessExecutor.errorPrefix.count))
                failureMessage = failureMessage.map { $0 + "\n    " + part } ?? part
            } else {
                lastLines.append(line)
                if lastLines.count > 12 { lastLines.removeFirst() }
                onUpdate(ProgressUpdate(step: -1, total: -1, message: line))
            }
        }
    }

    /// The failure's own message, else the last lines printed.
    var failureDetail: String { failureMessage ?? lastLines.suffix(5).joined(separator: "\n    ") }
}
