import PipelineEngine

/// A stage kind that draws figures with GnuplotFigure: its key covers gnuplot, the pinned font and libhdf5
/// (NativeToolchain.plotting), and the user's style file of each figure it publishes (`styles/NAME.gp`).
public protocol FigureKind: StageKind {}

public extension FigureKind {
    func toolchain() -> [String: String] { NativeToolchain.plotting }
    func projectFiles(_ parameters: StageParameters) -> [String] { GnuplotFigure.styleFiles(publishedFiles(parameters)) }
}
