import Foundation
import HDF5
import NumericCore

/// What a stage kind declares as its `toolchain()`: the native parts its output bytes depend on, measured once per
/// process.
///
/// A note on why these and not more: the same code wrote different bytes when OpenBLAS picked another kernel
/// (OPENBLAS_CORETYPE set or not), and every figure changed after gnuplot/cairo were upgraded, both under unchanged
/// keys. Keying on them keeps a store shared between machines from mixing the two.
public enum NativeToolchain {
    /// Kinds that compute with OpenBLAS/LAPACKE and write HDF5.
    public static var numerics: [String: String] { ["blas_core": blasCore, "hdf5": hdf5LibraryVersion] }

    /// Kinds that only write HDF5 (or plain files) without linear algebra on their outputs' path.
    public static var storage: [String: String] { ["hdf5": hdf5LibraryVersion] }

    /// Kinds that draw with gnuplot (in the pinned font) and read HDF5.
    public static var plotting: [String: String] {
        ["gnuplot": gnuplot, "font": PinnedFont.fingerprint, "hdf5": hdf5LibraryVersion]
    }

    /// The kernel OpenBLAS dispatches to on this machine (e.g. "Haswell", "SkylakeX"); OPENBLAS_CORETYPE changes it.
    public static let blasCore: String = LinearAlgebra.blasCoreName

    /// `gnuplot --version` and, on Debian, the package versions of the cairo and pango that draw its PNG and PDF
    /// ("gnuplot 5.4 patchlevel 4; libcairo2 1.16.0-7; libpango-1.0-0 1.50.12+ds-1").
    public static let gnuplot: String = {
        guard let version = try? ExternalProgram.run(["gnuplot", "--version"]) else { return "not installed" }
        var parts = [version.trimmingCharacters(in: .whitespacesAndNewlines)]
        if let packages = try? ExternalProgram.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n",
                                                    "libcairo2", "libpango-1.0-0"]) {
            parts += packages.split(separator: "\n").map(String.init).sorted()
        }
        return parts.joined(separator: "; ")
    }()
}
