import HDF5
import PipelineEngine
import StageSupport

/// Stage kind `plot-orbits` (Figure 1): 3-D trajectories s_{t+1} = W s_t for a few W ∈ SO(3) — circles on the
/// unit sphere — drawn with gnuplot's splot.
struct PlotOrbitsKind: FigureKind {
    let name = "plot-orbits"
    let version = 5
    let summary = "Figure 1: orbits of a few SO(3) rotations on the sphere (gnuplot splot)"
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, default: .string("fig1"), help: "base name of the figure files"),
    ]
    let inputs = [InputSlot("sequences", help: "a generate-sequences stage of family so3")]

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        let figure = parameters.string("figure")
        return GnuplotFigure.files(figure, data: [figure + "-orbits.dat"])
    }

    func run(_ context: StageContext) throws {
        let figureName = context.parameters.string("figure")
        let file = try context.openHDF5("sequences", "sequences.h5")
        let (values, shape) = try file.readDoubles("train/sequences")
        guard shape.count == 3, shape[2] == 3 else { throw PipelineError("Figure 1 needs 3-dimensional sequences, got shape \(shape)") }
        var data = "# x y z; one block per orbit (gnuplot index)\n"
        for n in 0..<shape[0] {
            for t in 0..<shape[1] {
                let base = (n * shape[1] + t) * 3
                data += "\(values[base]) \(values[base + 1]) \(values[base + 2])\n"
            }
            data += "\n\n"
        }
        var figure = GnuplotFigure(name: figureName, body: "")
        figure.pdfSize = "4.5in,4.5in"
        figure.pngSize = "1400,1400"
        figure.dataFiles = [(figureName + "-orbits.dat", data)]
        figure.body = """
          set title "Figure 1: orbits s_{t+1} = W s_t of \(shape[0]) rotations W ∈ SO(3), \(shape[1]) tokens each"
          set view 62, 32, 1.35, 1
          set view equal xyz
          set xyplane at -1
          unset key
          set xrange [-1:1]; set yrange [-1:1]; set zrange [-1:1]
          # An illustration: the unit sphere is the only scale needed, so no axes or tick labels.
          unset xtics; unset ytics; unset ztics; unset border
          set parametric
          set isosamples 24, 12
          set urange [0:2*pi]; set vrange [-pi/2:pi/2]
          splot cos(u)*cos(v), sin(u)*cos(v), sin(v) with lines lc rgb '#dddddd' lw 0.5, \\
                for [i=0:\(shape[0] - 1)] '\(figureName)-orbits.dat' index i using 1:2:3 with points pt 7 ps 0.8 lc i+1
          unset parametric
        """
        try figure.render(in: context)
    }
}
