import Foundation
import HDF5
import NumericCore
import PipelineEngine
import StageSupport

/// Stage kind `plot-augmented-seeds`, an aggregate over a family of `train-augmented` cells that differ in layer count
/// and seed: Figure 5 over seeds. The final test MSE's mean ± sd per layer count (error bars, each seed a point)
/// against the in-context GD baselines of verify-augmented, and a theory table: mean, sd and n per layer count,
/// whether seed 0 (the run Figure 5 shows) lies within mean ± 2 sd, and Figure 5's claims about depth over seeds.
/// Whatever subset of layer counts and seeds ran is drawn: one error bar per layer count present.
struct PlotAugmentedSeedsKind: FigureKind, DeclaresDatasets {
    let name = "plot-augmented-seeds"
    let version = 3
    let summary = "Figure 5 over seeds: test MSE mean ± sd per layer count against the GD baselines, theory table"
    let datasets = TheoryTable.datasets
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, default: .string("fig5-seeds"),
                      help: "base name of the figure and of its theory table (NAME-theory.md)"),
    ]
    let inputs = [
        InputSlot("trained", help: "a family of train-augmented cells over layers and seed", family: true),
        InputSlot("baselines", help: "the verify-augmented stage (its baselines.h5), computed on the same test data"),
    ]

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        let figure = parameters.string("figure")
        return GnuplotFigure.files(figure, data: [figure + "-runs.dat", figure + "-summary.dat"]) + TheoryTable.publishedFiles(figure: figure)
    }

    /// One trained network: its depth, seed and final test MSE.
    struct Run {
        let layers: Int, seed: Int
        let testMSE: Double
    }

    /// The baselines of verify-augmented that a k-layer network is compared with: index k of this list is the
    /// k-step one (PAPER.md §5's one step with the best shared η, then 2 and 3 steps with their own step sizes).
    static let stepBaselines = [1: "one GD step, best shared η", 2: "2 GD steps, own step sizes", 3: "3 GD steps, own step sizes"]

    func run(_ context: StageContext) throws {
        let name = context.parameters.string("figure")
        let runs: [Run] = try context.familyInputs("trained").map { input in
            let trained = try context.openHDF5(input.slot, "trained.h5")
            let training = try JSONParser.parse(try trained.stringAttribute("icar_parameters"))
            guard case let .integer(layers)? = training["layers"], case let .integer(seed)? = training["seed"] else {
                throw PipelineError("\(input.slot) has no integer layers and seed")
            }
            return Run(layers: layers, seed: seed, testMSE: try trained.doubleAttribute("final_test_loss"))
        }.sorted { ($0.layers, $0.seed) < ($1.layers, $1.seed) }
        guard !runs.isEmpty else { throw PipelineError("the family 'trained' has no cells") }
        let baselineFile = try context.openHDF5("baselines", "baselines.h5")
        let mse = try baselineFile.readDoubles("mse").values
        let names = try baselineFile.stringAttribute("names").split(separator: "|").map(String.init)
        let baselines = Dictionary(zip(names, mse), uniquingKeysWith: { first, _ in first })
        try Self.table(runs, baselines: baselines).write(context, figure: name)
        try Self.figure(runs, baselines: zip(names, mse).map { ($0, $1) }, name: name).render(in: context)
    }

    static func table(_ runs: [Run], baselines: [String: Double]) -> TheoryTable {
        let depths = Array(Set(runs.map(\.layers))).sorted()
        let statistics = Dictionary(uniqueKeysWithValues: depths.map { depth in
            (depth, SampleStatistics(runs.filter { $0.layers == depth }.map(\.testMSE)))
        })
        var table = TheoryTable(title: "Figure 5 over seeds — augmented tokens: final test MSE per layer count, seed to seed")
        for depth in depths {
            let s = statistics[depth]!
            let label = "\(depth) layer\(depth == 1 ? "" : "s")"
            let seeds = runs.filter { $0.layers == depth }
            table.rows += [
                .report("\(label): mean test MSE over seeds", s.mean, note: "seeds " + seeds.map { String($0.seed) }.joined(separator: ", ")),
                .report("\(label): sd of the test MSE over seeds (n − 1)", s.standardDeviation),
                .report("\(label): seeds (n)", Double(s.count)),
                .report("\(label): sd / mean", s.standardDeviation / s.mean),
            ]
            // Seed 0 is the run fig5 and its theory table show: is it a typical one? (With two seeds |x₀ − mean|/sd is
            // always 1/√2, so the check needs three.)
            if let first = seeds.first(where: { $0.seed == 0 }), s.count >= 3 {
                let distance = abs(first.testMSE - s.mean) / s.standardDeviation
                table.rows.append(TheoryRow(claim: "\(label): seed 0's test MSE within mean ± 2 sd (|x₀ − mean| / sd)",
                                            measured: distance, tolerance: "≤ 2", passed: distance <= 2,
                                            note: "seed 0: \(TheoryRow.format(first.testMSE))"))
            }
            if let name = stepBaselines[depth], let baseline = baselines[name] {
                // PAPER.md §5 ties one layer to one step of GD; deeper networks are set beside as many steps.
                let worst = seeds.map(\.testMSE).max()!
                if depth == 1 {
                    table.rows.append(.below("1 layer: every seed's test MSE below one GD step with the best shared η", worst, baseline,
                                             paper: "0.0876 (η = 0.0751)"))
                } else {
                    table.rows.append(.report("\(label): largest test MSE over seeds, against \(name)", worst,
                                              note: (worst < baseline ? "every seed better than" : "some seed worse than") + " the baseline's \(TheoryRow.format(baseline))"))
                }
            }
        }
        // Figure 5's depth claim: more layers, lower test loss; checked on the means, with the spread beside.
        for (shallow, deep) in zip(depths, depths.dropFirst()) {
            let a = statistics[shallow]!, b = statistics[deep]!
            table.rows.append(TheoryRow(claim: "mean test MSE with \(deep) layers below that with \(shallow) (deeper is better)",
                                        measured: b.mean, tolerance: "< \(TheoryRow.format(a.mean))", passed: b.mean < a.mean,
                                        note: "gap \(TheoryRow.format(a.mean - b.mean)), sds \(TheoryRow.format(a.standardDeviation)) and \(TheoryRow.format(b.standardDeviation))"))
        }
        if let leastSquares = baselines["least squares (min-norm)"] {
            let best = runs.map(\.testMSE).min()!
            table.rows.append(.report("best test MSE of any run, against least squares", best,
                                      note: (best > leastSquares ? "above" : "below") + " the least-squares floor \(TheoryRow.format(leastSquares))"))
        }
        table.notes = [
            "Each run is fig5's training (Adam, same data and sizes) with another seed for the initialisation and the shuffles; seed 0 is the run of fig5 itself (the same key). The sd uses n − 1; over a handful of seeds it is a rough spread, not a confidence interval.",
            "Runs: " + runs.map { "\($0.layers)L seed \($0.seed): \(TheoryRow.format($0.testMSE))" }.joined(separator: ", ") + ".",
        ]
        return table
    }

    static func figure(_ runs: [Run], baselines: [(String, Double)], name: String) throws -> GnuplotFigure {
        let runsFile = name + "-runs.dat", summaryFile = name + "-summary.dat"
        let depths = Array(Set(runs.map(\.layers))).sorted()
        let statistics = depths.map { depth in SampleStatistics(runs.filter { $0.layers == depth }.map(\.testMSE)) }
        var figure = GnuplotFigure(name: name, body: "")
        figure.pdfSize = "6in,4.2in"
        figure.pngSize = "1500,1050"
        figure.dataFiles = [
            (runsFile, GnuplotFigure.columnData([runs.map { Double($0.layers) }, runs.map { Double($0.seed) }, runs.map(\.testMSE)],
                                                header: "layers seed test_mse")),
            // A single seed has no sd: its bar is drawn with zero length.
            (summaryFile, GnuplotFigure.columnData([depths.map(Double.init), statistics.map(\.mean),
                                                    statistics.map { $0.standardDeviation.isNaN ? 0 : $0.standardDeviation },
                                                    statistics.map { Double($0.count) }],
                                                   header: "layers mean sd n")),
        ]
        let shown = ["one GD step, best shared η", "2 GD steps, own step sizes", "3 GD steps, own step sizes", "least squares (min-norm)"]
        let greys = ["#444444", "#777777", "#999999", "#bbbbbb"]
        var baselineLines: [String] = []
        for (index, label) in shown.enumerated() {
            guard let value = baselines.first(where: { $0.0 == label })?.1 else { continue }
            baselineLines.append("\(value) with lines dt \(index + 2) lw 1.5 lc rgb '\(greys[index])' title \(try GnuplotFigure.quoted("\(label): \(TheoryRow.format(value))"))")
        }
        let seedCounts = Set(statistics.map(\.count)).sorted().map(String.init).joined(separator: "/")
        figure.body = """
          set title "Figure 5 over seeds: final test MSE per layer count\\n(mean ± sd over \(seedCounts) seeds; points: single seeds)"
          set logscale y
          set xrange [\(Double(depths.first!) - 0.6):\(Double(depths.last!) + 0.6)]
          set xtics 1
          set xlabel "layers"
          set ylabel "test MSE"
          set key below vertical maxrows 3
          plot '\(summaryFile)' using 1:2:3 with yerrorbars lw 2 pt 7 ps 1.4 lc rgb '#277f8e' title 'mean ± sd', \\
               '\(runsFile)' using ($1 + 0.12):3 with points pt 6 ps 1.1 lc rgb '#d95f02' title 'one seed'\(baselineLines.isEmpty ? "" : ", \\\n       " + baselineLines.joined(separator: ", \\\n       "))
        """
        return figure
    }
}
