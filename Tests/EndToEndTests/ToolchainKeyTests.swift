import Foundation
import Testing

/// The OpenBLAS kernel is part of a computing stage's key (issue #11, class 5): the same code writes different bytes
/// with another kernel, so an entry made with one must not pass for the other's.
@Suite(.serialized) struct ToolchainKeyTests {
    static let pipeline = #"""
    {"stages": {"sequences": {"kind": "generate-sequences",
      "params": {"family": "haar", "dimension": 3, "steps": 4, "count": 8, "test_count": 4, "seed": 0}}}}
    """#

    @Test func anotherBLASKernelMakesAComputingStageStaleAndNamesTheKernel() throws {
        let bed = try Testbed(Self.pipeline)
        let first = try bed.icar("run")
        #expect(first.status == 0, "\(first.error)")
        let manifest = try String(contentsOfFile: bed.directory + "/data/entries/" + bed.entries[0] + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains(#"\"blas_core\":"#) && manifest.contains(#"\"hdf5\":"#), "\(manifest)")
        #expect(try bed.icar("status").status == 0)

        // Sandybridge is a kernel every x86-64 OpenBLAS build has, and not the one it picks on these machines.
        let (process, output, error) = try bed.start(["status"], environment: ["OPENBLAS_CORETYPE": "Sandybridge"])
        let other = bed.finish(process, output, error)
        #expect(other.status == 6, "\(other.output)\(other.error)")
        #expect(other.output.contains("blas_core changed (") && other.output.contains("→ Sandybridge)"), "\(other.output)")
    }
}
