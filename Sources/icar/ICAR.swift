import ArgumentParser
import Foundation
import PipelineEngine

@main
struct ICAR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "icar",
        abstract: "Regenerate the figures and theory checks of 'How do Transformers Perform In-Context Autoregressive Learning?'",
        discussion: """
        icar reads pipeline.json, a graph of typed stages (generate sequences, train, extract weights, verify theory, \
        plot). Each stage's result is stored under data/entries/KEY, where KEY is a SHA-256 of the stage's kind, its \
        implementation version, its parameters and the content hashes of its inputs; a stage whose key is stored is \
        not run again. Figures are copied into figures/.

        Typical session:
          icar run                     # bring every figure up to date
          icar run --profile quick     # the same with small sizes, in seconds
          icar status                  # which stages are stale, and why
          icar run fig3-rotations-train --force --downstream
          icar audit                   # re-hash every stored file
          icar show fig3-unitary-plot  # parameters, hashes and lineage
          icar metrics                 # every theory row, paper vs regenerated
          icar diff fig5-train-1layer fig5-train-2layer

        Shell completion (stage names included): icar --generate-completion-script bash|zsh|fish
        """,
        version: icarVersion,
        subcommands: [RunCommand.self, StatusCommand.self, AuditCommand.self, ShowCommand.self, GraphCommand.self,
                      GCCommand.self, KindsCommand.self, ReportCommand.self, DiffCommand.self, MetricsCommand.self, ExecStageCommand.self]
    )

    /// Like ArgumentParser's entry point, except that a wrong command line exits with 2, as README documents
    /// (ArgumentParser's default is 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
