import Foundation

/// Shows what the scheduler does on standard error: on a terminal, one live line with each running stage's step
/// and ETA; otherwise plain lines, at most one per stage every 10% or 30 seconds, so CI logs stay readable.
public final class ProgressDisplay: @unchecked Sendable {
    private struct Running {
        var started: Date
        var step = 0
        var total = 0
        var message = ""
        var lastPlainPrint = Date.distantPast
        var lastPlainTenth = -1
    }

    private let lock = NSLock()
    private let isTerminal: Bool
    private let quiet: Bool
    private var running: [String: Running] = [:]
    private var order: [String] = []
    private var liveLineShown = false

    public init(quiet: Bool = false) {
        isTerminal = isatty(STDERR_FILENO) != 0
        self.quiet = quiet
    }

    public func event(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        clearLiveLine()
        write(text + "\n")
        drawLiveLine()
    }

    public func started(_ stage: String) {
        lock.lock(); defer { lock.unlock() }
        running[stage] = Running(started: Date())
        order.append(stage)
        clearLiveLine()
        write("▶ \(stage): running\n")
        drawLiveLine()
    }

    public func finished(_ stage: String, _ text: String) {
        lock.lock(); defer { lock.unlock() }
        running[stage] = nil
        order.removeAll { $0 == stage }
        clearLiveLine()
        write(text + "\n")
        drawLiveLine()
    }

    public func update(_ stage: String, _ update: ProgressUpdate) {
        if update.step == ProgressUpdate.warningStep {
            event("⚠ \(stage): \(update.message)")
            return
        }
        if update.step == ProgressUpdate.noticeStep {
            if !quiet { event("  \(stage): \(update.message)") }
            return
        }
        guard update.step >= 0, !quiet else { return }
        lock.lock(); defer { lock.unlock() }
        guard var state = running[stage] else { return }
        state.step = update.step
        state.total = update.total
        state.message = update.message
        if isTerminal {
            running[stage] = state
            clearLiveLine()
            drawLiveLine()
            return
        }
        let tenth = update.total > 0 ? update.step * 10 / update.total : 0
        let now = Date()
        if tenth > state.lastPlainTenth || now.timeIntervalSince(state.lastPlainPrint) >= 30 {
            state.lastPlainTenth = tenth
            state.lastPlainPrint = now
            write("  \(stage): \(describe(state))\n")
        }
        running[stage] = state
    }

    private func describe(_ state: Running) -> String {
        var text = "step \(state.step)/\(state.total)"
        if state.total > 0 {
            let fraction = Double(state.step) / Double(state.total)
            text += String(format: " (%.0f%%", fraction * 100)
            let elapsed = Date().timeIntervalSince(state.started)
            if fraction > 0.01, fraction < 1 {
                text += ", ETA " + Self.duration(elapsed * (1 - fraction) / fraction)
            }
            text += ")"
        }
        if !state.message.isEmpty { text += " " + state.message }
        return text
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.0fs", seconds) }
        if seconds < 3600 { return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) }
        return String(format: "%dh%02dm", Int(seconds) / 3600, Int(seconds) % 3600 / 60)
    }

    private func drawLiveLine() {
        guard isTerminal, !quiet, !order.isEmpty else { return }
        var line = order.compactMap { name in running[name].map { "\(name) \(describe($0))" } }.joined(separator: " | ")
        let width = 160
        if line.count > width { line = String(line.prefix(width - 1)) + "…" }
        write("\u{1B}[2K\r" + line)
        liveLineShown = true
    }

    private func clearLiveLine() {
        guard liveLineShown else { return }
        write("\u{1B}[2K\r")
        liveLineShown = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
