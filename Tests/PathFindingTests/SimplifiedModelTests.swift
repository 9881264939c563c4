import Foundation
import Testing
import NumericCore
@testable import PathFinding

@Suite struct SimplifiedModelTests {
    /// Theorem 3 on a hand-built count tensor over 4 nodes: current node 3 never occurs (row of W^M never moves),
    /// target 0 never occurs (row of W^V never moves), and the observed transitions are
    /// (i=0, j=2, k=1) ×3, (i=1, j=2, k=2) ×2, (i=0, j=3, k=3) ×1.
    @Test func theorem3OnAHandBuiltCountTensor() {
        let n = 4
        var counts = [Double](repeating: 0, count: n * n * n)
        counts[(0 * n + 2) * n + 1] = 3
        counts[(1 * n + 2) * n + 2] = 2
        counts[(0 * n + 3) * n + 3] = 1
        var model = SimplifiedModel(nodeCount: n, counts: counts)
        model.adjacencyWeights = (0..<16).map { Double($0 % 5) * 0.1 }    // a non-zero start, to see "exactly at init"
        let start = model.adjacencyWeights
        let checks = model.train(learningRate: 0.5, steps: 400)
        // (i) rows never seen stay exactly where they started.
        #expect(checks.unseenRowEntriesMoved == 0)
        #expect(Array(model.adjacencyWeights[12..<16]) == Array(start[12..<16]))
        #expect(Array(model.reachabilityWeights[0..<4]) == [0, 0, 0, 0])
        // (ii) unobserved entries of seen rows decrease at every step: W^M rows 0 (2 unobserved) and 1 (3), W^V rows
        // 2 (2) and 3 (3).
        #expect(checks.unobservedEntries == 10)
        #expect(checks.unobservedEntriesNotDecreasing == 0)
        #expect(model.adjacencyWeights[0 * n + 0] < start[0] - 0.5)
        // (iii) observed entries stay bounded below while the unobserved ones run away.
        #expect(checks.lowestObservedValue > -1)
        #expect(model.reachabilityWeights[2 * n + 0] < -1)
        // The loss decreases towards the entropy of N_ijk / N_ij.
        #expect(checks.losses.last! < checks.losses.first!)
    }

    @Test func gradientMatchesFiniteDifferences() {
        var generator = SeededGenerator(seed: 4)
        let n = 4
        let counts = (0..<(n * n * n)).map { _ in Double(generator.nextIndex(below: 3)) }
        var model = SimplifiedModel(nodeCount: n, counts: counts)
        model.adjacencyWeights = (0..<16).map { _ in generator.nextGaussian() }
        model.reachabilityWeights = (0..<16).map { _ in generator.nextGaussian() }
        let (_, gM, gV) = model.lossAndGradients()
        let h = 1e-6
        var worst = 0.0
        for e in 0..<16 {
            for matrix in 0..<2 {
                var up = model, down = model
                if matrix == 0 { up.adjacencyWeights[e] += h; down.adjacencyWeights[e] -= h }
                else { up.reachabilityWeights[e] += h; down.reachabilityWeights[e] -= h }
                let numeric = (up.lossAndGradients().loss - down.lossAndGradients().loss) / (2 * h)
                worst = max(worst, abs(numeric - (matrix == 0 ? gM[e] : gV[e])))
            }
        }
        #expect(worst < 1e-8)
    }

    /// D1 ⊆ D2 ⊆ D3; D3 holds every path, D1 only one-edge lines.
    @Test func datasetsNest() {
        var generator = SeededGenerator(seed: 3)
        let graph = RandomDAG(nodeCount: 10, edgeProbability: 0.35, generator: &generator)
        let d = SimplifiedDatasets.datasets(graph, fraction: 0.2, generator: &generator)
        #expect(d[0].count == graph.edgeCount)
        #expect(Set(d[0]).isSubset(of: Set(d[1])) && Set(d[1]).isSubset(of: Set(d[2])))
        #expect(d[2].count > d[1].count && d[1].count >= d[0].count)
    }
}
