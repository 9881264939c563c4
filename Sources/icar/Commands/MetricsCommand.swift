import ArgumentParser
import Foundation
import PipelineEngine

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print every theory row of the stages' stored results as one table (or CSV, or JSON).",
        discussion: """
        For each named stage (default: every stage) whose current result is stored, the rows of its theory tables: \
        the claim, the paper's value, the regenerated value, the tolerance and the result (pass, FAIL or reported). \
        Stages that are stale are listed on standard error and skipped: run them first.

        Examples:
          icar metrics
          icar metrics fig6-verify --csv > fig6.csv
          icar metrics --profile quick --json
          # the rows of every cell of a family, or of a slice of one (FAMILY[k=v,*]):
          #   icar metrics 'FAMILY[seed=0,*]' --csv
        """
    )

    @OptionGroup var options: PipelineOptions

    @Argument(help: "Stages whose theory rows to print (default: all): stages, families, slices FAMILY[k=v,*] or cells.", completion: .stageNames)
    var stages: [String] = []

    @Flag(help: "Comma-separated values with a header row (RFC 4180 quoting).")
    var csv = false

    @Flag(help: "A JSON document (schema in README).")
    var json = false

    func run() throws {
        try reportingErrors {
            let pipeline = try options.load()
            let store = Store(root: pipeline.storeDirectory)
            let manifests = currentManifests(pipeline, store: store)
            let selected = stages.isEmpty ? pipeline.stages.map(\.name) : try StageSelection.stages(stages, in: pipeline)
            var rows: [TheoryMetric] = []
            for name in selected {
                guard let manifest = manifests[name] else {
                    if !stages.isEmpty { FileHandle.standardError.write(Data("icar: \(name) has no stored result for the current parameters (icar run \(name))\n".utf8)) }
                    continue
                }
                rows += TheoryMetric.rows(of: manifest, store: store)
            }
            if json {
                printJSON(["profile": pipeline.profile, "rows": rows.map(\.document)])
            } else if csv {
                printOut(["stage", "table", "claim", "paper", "measured", "tolerance", "result"].joined(separator: ","))
                for row in rows {
                    let measured = row.measured.map { String($0) } ?? row.measuredText
                    printOut([row.stage, row.table, row.claim, row.paper, measured, row.tolerance, row.result].map(csvField).joined(separator: ","))
                }
            } else {
                printTable(["stage", "claim", "paper", "regenerated", "tolerance", "result"],
                           rows.map { [$0.stage, $0.claim, $0.paper.isEmpty ? "—" : $0.paper, $0.measuredText, $0.tolerance, $0.result] })
                let checked = rows.filter(\.isChecked)
                printOut("\(rows.count) rows: \(checked.count) checked, \(checked.filter { !$0.passed }.count) failed, \(rows.count - checked.count) reported (profile \(pipeline.profile))")
            }
        }
    }

    private func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
