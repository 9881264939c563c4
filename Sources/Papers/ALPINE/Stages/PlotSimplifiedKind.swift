import HDF5
import NumericCore
import PipelineEngine
import StageSupport

/// Stage kind `alpine-plot-simplified`: Figure 1 (A_true and W^M after D1–D3) and Figure 2 (R_true, R_obs(D1–D3) and
/// W^V after D1–D3) of the simplified model.
struct PlotSimplifiedKind: FigureKind {
    let name = "alpine-plot-simplified"
    let version = 6
    let summary = "ALPINE Fig. 1 (A_true, W^M for D1–D3) and Fig. 2 (R_true, R_obs, W^V for D1–D3)"
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, default: .string("alpine-fig"), help: "prefix of the figure files (PREFIX1, PREFIX2)"),
    ]
    let inputs = [InputSlot("simplified", help: "an alpine-simplified stage")]

    static func data(_ prefix: String) -> (first: [String], second: [String]) {
        (["\(prefix)1-true.dat"] + (1...3).map { "\(prefix)1-WM-D\($0).dat" },
         ["\(prefix)2-true.dat"] + (1...3).map { "\(prefix)2-obs-D\($0).dat" } + (1...3).map { "\(prefix)2-WV-D\($0).dat" })
    }

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        let prefix = parameters.string("figure"), files = Self.data(prefix)
        return GnuplotFigure.files(prefix + "1", data: files.first) + GnuplotFigure.files(prefix + "2", data: files.second)
    }

    func run(_ context: StageContext) throws {
        let prefix = context.parameters.string("figure"), files = Self.data(prefix)
        let source = try context.openHDF5("simplified", "simplified.h5")
        func matrix(_ name: String) throws -> Matrix {
            let (values, shape) = try source.readInts(name)
            return Matrix(rows: shape[0], columns: shape[1], elements: values.map(Double.init))
        }
        func weights(_ name: String) throws -> Matrix {
            let (values, shape) = try source.readDoubles(name)
            return Matrix(rows: shape[0], columns: shape[1], elements: values)
        }
        let adjacency = try matrix("adjacency"), n = adjacency.rows
        var first = GnuplotFigure(name: prefix + "1", body: "")
        first.pdfSize = "10in,3in"
        first.pngSize = "2500,750"
        first.dataFiles = [(files.first[0], GnuplotFigure.matrixData(adjacency))]
        var panels = panel(0, of: 4, files.first[0], "A_{true} (row i → column k)", n, symmetric: false)
        for d in 1...3 {
            first.dataFiles.append((files.first[d], GnuplotFigure.matrixData(try weights("D\(d)/W_M"))))
            panels += panel(d, of: 4, files.first[d], "W^M after D\(d)", n, symmetric: true)
        }
        first.body = "  set multiplot title \"Figure 1: adjacency in the simplified model (\(n) nodes)\"\n" + panels + "  unset multiplot\n"
        try first.render(in: context)

        var second = GnuplotFigure(name: prefix + "2", body: "")
        second.pdfSize = "12in,3in"
        second.pngSize = "3000,750"
        second.dataFiles = [(files.second[0], GnuplotFigure.matrixData(try matrix("reachability")))]
        panels = panel(0, of: 7, files.second[0], "R_{true} (row = target)", n, symmetric: false)
        for d in 1...3 {
            second.dataFiles.append((files.second[d], GnuplotFigure.matrixData(try matrix("D\(d)/observed_reachability"))))
            panels += panel(d, of: 7, files.second[d], "R_{obs}(D\(d))", n, symmetric: false)
        }
        for d in 1...3 {
            second.dataFiles.append((files.second[3 + d], GnuplotFigure.matrixData(try weights("D\(d)/W_V"))))
            panels += panel(3 + d, of: 7, files.second[3 + d], "W^V after D\(d)", n, symmetric: true)
        }
        second.body = "  set multiplot title \"Figure 2: reachability in the simplified model\"\n" + panels + "  unset multiplot\n"
        try second.render(in: context)
    }

    func panel(_ index: Int, of count: Int, _ file: String, _ title: String, _ n: Int, symmetric: Bool) -> String {
        let width = 1 / Double(count)
        return "  set origin \(Double(index) * width),0\n  set size \(width),0.92\n"
            + GnuplotFigure.heatmap(file, title: title, rows: n, columns: n, symmetricRange: symmetric,
                                    extra: "set xlabel 'node'; set ylabel 'node'") + "\n"
    }
}
