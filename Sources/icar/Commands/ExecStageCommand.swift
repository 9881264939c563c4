import ArgumentParser
import Foundation
import AllPapers
import PipelineEngine
import ProcessShim

/// The process one stage runs in (started by `icar run`; a cluster executor would start the same command).
struct ExecStageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec-stage",
        abstract: "Run one stage job in this process and commit its store entry (used by icar run).",
        shouldDisplay: false
    )

    @Option(help: "The job file written by icar run.")
    var job: String

    func run() throws {
        // If the scheduler dies, its lock is released; end this stage too rather than let it race a new run.
        _ = icar_exit_with_parent()
        if getppid() == 1 { throw ExitCode(1) }
        let emit: (String) -> Void = { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        do {
            let stageJob = try StageJob.read(from: job)
            _ = try StageProcessRunner.execute(stageJob, registry: AllPapers.registry(), emit: emit)
        } catch let error as PipelineError {
            emitFailure(error.message, emit)
            throw ExitCode(1)
        } catch {
            emitFailure(String(describing: error), emit)
            throw ExitCode(1)
        }
    }

    /// Every line of the message carries the prefix, so all of it (a program's own error output) reaches the terminal.
    private func emitFailure(_ message: String, _ emit: (String) -> Void) {
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            emit(LocalProcessExecutor.errorPrefix + line)
        }
    }
}
