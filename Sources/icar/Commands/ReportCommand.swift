import ArgumentParser
import PipelineEngine

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Bring the report up to date: figures/index.html and figures/numbers.tex.",
        discussion: """
        Runs the pipeline's report stage (kind `report`) and whatever it needs, like `icar run REPORT-STAGE`:
        one self-contained page with every figure (PNG inline, PDF linked), its theory table and its provenance, \
        and a TeX macro for every number of every theory table.

        Examples:
          icar report
          icar report --profile quick && chromium --headless --screenshot figures/index.html
        """
    )

    @OptionGroup var options: PipelineOptions

    @Flag(help: "If another run holds the store, wait for it instead of stopping.")
    var wait = false

    func run() throws {
        var reportStages: [String] = []
        try reportingErrors {
            let pipeline = try options.load()
            reportStages = pipeline.stages.filter { $0.kind.name == "report" }.map(\.name)
            guard !reportStages.isEmpty else {
                throw PipelineError.invalid("\(options.pipeline) has no stage of kind report; add one whose inputs are the plot and verify stages to show")
            }
        }
        var arguments = ["--pipeline", options.pipeline] + reportStages
        if let profile = options.profile { arguments += ["--profile", profile] }
        if wait { arguments.append("--wait") }
        try RunCommand.parse(arguments).run()
        printOut("report: \(try options.load().figuresDirectory)/index.html")
    }
}
