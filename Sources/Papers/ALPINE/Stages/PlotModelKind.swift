import HDF5
import NumericCore
import PathFinding
import PipelineEngine
import StageSupport

/// Stage kind `alpine-plot-model`: Figure 4 (mean attention), Figure 5 (a) the first 20 × 20 block of W_M′ with the
/// true edges outlined and (d) the W_M′ gap over training, Figure 6 (a) mean W_V′ on observed / reachable-unobserved
/// / unreachable pairs over training and accuracy by degree class.
struct PlotModelKind: FigureKind {
    let name = "alpine-plot-model"
    let version = 11
    let summary = "ALPINE Fig. 4 (attention), Fig. 5 (W_M′ block, gap), Fig. 6a (W_V′ by set, accuracy by degree)"
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, default: .string("alpine-fig"), help: "prefix of the figure files (PREFIX4, 5, 6)"),
    ]
    let inputs = [
        InputSlot("graph", help: "alpine-graph"), InputSlot("paths", help: "alpine-paths"),
        InputSlot("evaluation", help: "alpine-evaluate"), InputSlot("weights", help: "alpine-weights"),
    ]

    static func data(_ prefix: String) -> [[String]] {
        [["\(prefix)4-attention.dat"], ["\(prefix)5-block.dat", "\(prefix)5-gap.dat"],
         ["\(prefix)6-sets.dat", "\(prefix)6-degrees.dat"]]
    }

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        let prefix = parameters.string("figure")
        return zip([4, 5, 6], Self.data(prefix)).flatMap { GnuplotFigure.files("\(prefix)\($0)", data: $1) }
    }

    func run(_ context: StageContext) throws {
        let prefix = context.parameters.string("figure"), files = Self.data(prefix)
        let graph = try ALPINEFiles.readGraph(try context.openHDF5("graph", "graph.h5"))
        let observed = try ALPINEFiles.readMatrix(try context.openHDF5("paths", "paths.h5"), "observed_reachability").values
        let weights = try context.openHDF5("weights", "weights.h5")
        let evaluation = try context.openHDF5("evaluation", "evaluation.h5")
        let n = graph.nodeCount

        let (attention, attentionShape) = try weights.readDoubles("attention")
        let block = attentionShape[0]
        var fig4 = GnuplotFigure(name: prefix + "4", body: "")
        fig4.dataFiles = [(files[0][0], GnuplotFigure.matrixData(Matrix(rows: block, columns: block, elements: attention)) { t, k in k <= t })]
        fig4.body = GnuplotFigure.heatmap(files[0][0], title: "Figure 4: mean attention on test lines (1 layer, 1 head)",
                                          rows: block, columns: block, colourRange: 0...1,
                                          extra: "set xlabel 'key position (from 0; 1 = target t)'; set ylabel 'query position'")
        try fig4.render(in: context)

        let steps = try weights.readInts("checkpoint_steps").values.map(Double.init)
        let (wm, shape) = try weights.readFloats("W_M_LN")
        let checkpoints = shape[0]
        let wv = try weights.readFloats("W_V_LN").values
        let shown = min(20, n)
        let last = (checkpoints - 1) * n * n
        let blockValues = (0..<(shown * shown)).map { Double(wm[last + ($0 / shown) * n + $0 % shown]) }
        let sets = ReadoutSets(graph: graph, observedReachability: observed)
        func gap(_ c: Int) -> Double { sets.adjacencyGap { Double(wm[c * n * n + $0]) } }
        var boxes = ""
        for e in 0..<(shown * shown) where graph.adjacency[(e / shown) * n + e % shown] {
            let (i, k) = (Double(e / shown), Double(e % shown))
            boxes += "set object rect from \(k - 0.5),\(i - 0.5) to \(k + 0.5),\(i + 0.5) front fillstyle empty border rgb 'red' lw 1.5; "
        }
        var fig5 = GnuplotFigure(name: prefix + "5", body: "")
        fig5.pdfSize = "9in,4in"
        fig5.pngSize = "2250,1000"
        fig5.dataFiles = [
            (files[1][0], GnuplotFigure.matrixData(Matrix(rows: shown, columns: shown, elements: blockValues))),
            (files[1][1], GnuplotFigure.columnData([steps, (0..<checkpoints).map(gap)], header: "step gap")),
        ]
        fig5.body = """
          set multiplot title "Figure 5: W_M′ (LayerNorms applied) against the true adjacency"
          set origin 0,0
          set size 0.5,0.95
        \(GnuplotFigure.heatmap(files[1][0], title: "(a) W_M′, first \(shown) nodes (red: true edges)", rows: shown, columns: shown,
                                symmetricRange: true, extra: boxes + "set xlabel 'next node k'; set ylabel 'current node i'"))
          set origin 0.5,0
          set size 0.5,0.95
          set size ratio 0
          set autoscale
          set xlabel "training step"
          set ylabel "mean W_M′ edge − non-edge"
          set title "(d) average weight gap"
          set xtics rotate by -45
          plot '\(files[1][1])' using 1:2 with linespoints lw 2 pt 7 notitle
          unset multiplot
        """
        try fig5.render(in: context)

        let setMeans = [sets.observed, sets.reachableUnobserved, sets.unreachable].map { set in (0..<checkpoints).map { c in mean(set.map { Double(wv[c * n * n + $0]) }) } }
        let trials = try evaluation.readInts("degree_trials").values, correct = try evaluation.readInts("degree_correct").values
        let degreeAccuracy = (0..<4).map { trials[$0] == 0 ? Double.nan : Double(correct[$0]) / Double(trials[$0]) }
        var fig6 = GnuplotFigure(name: prefix + "6", body: "")
        fig6.pdfSize = "9in,4in"
        fig6.pngSize = "2250,1000"
        fig6.dataFiles = [
            (files[2][0], GnuplotFigure.columnData([steps] + setMeans, header: "step obs real_not_obs non")),
            (files[2][1], GnuplotFigure.columnData([[0, 1, 2, 3], degreeAccuracy, trials.map(Double.init)],
                                                   header: "degree accuracy trials")),
        ]
        fig6.body = """
          set multiplot title "Figure 6: what W_V′ (LayerNorms applied) learns, and accuracy by degree"
          set origin 0,0
          set size 0.55,0.95
          set xlabel "training step"
          set ylabel "mean W_V′"
          set title "(a) mean W_V′(t, k), t ≥ k"
          set key top left
          set xtics rotate by -45
          plot '\(files[2][0])' using 1:2 with linespoints lw 2 pt 7 title 'observed', \\
               '' using 1:3 with linespoints lw 2 pt 5 title 'reachable, unobserved', \\
               '' using 1:4 with linespoints lw 2 pt 9 title 'unreachable'
          set origin 0.55,0
          set size 0.45,0.95
          set xtics norotate ("0" 0, "1" 1, "2" 2, "3+" 3)
          set xrange [-0.5:3.5]
          set yrange [0:1.05]
          set xlabel "degree class of the test pair"
          set ylabel "accuracy (sampled)"
          set title "accuracy by degree class"
          set style fill solid 0.6
          set boxwidth 0.6
          plot '\(files[2][1])' using 1:2 with boxes notitle
          unset multiplot
        """
        try fig6.render(in: context)
    }
}
