import Testing
import NumericCore
@testable import PathFinding

/// ALPINE.md §7 items 1–4 on freshly generated graphs of several sizes and seeds.
@Suite struct DataInvariantTests {
    @Test(arguments: [(60, 0.1, UInt64(1)), (100, 0.1, UInt64(2)), (40, 0.3, UInt64(3))])
    func generatedDataKeepsEveryInvariant(n: Int, p: Double, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let graph = RandomDAG(nodeCount: n, edgeProbability: p, generator: &generator)
        // 1. Edges go forward; their count is within 4σ of p·n(n−1)/2.
        #expect((0..<(n * n)).allSatisfy { !graph.adjacency[$0] || $0 / n < $0 % n })
        let pairs = Double(n * (n - 1) / 2)
        #expect(abs(Double(graph.edgeCount) - p * pairs) <= 4 * (pairs * p * (1 - p)).squareRoot())
        // Reachability against an independent closure (Floyd–Warshall on booleans).
        var closure = (0..<(n * n)).map { graph.adjacency[$0] || $0 / n == $0 % n }
        for k in 0..<n { for i in 0..<n where closure[i * n + k] { for j in 0..<n where closure[k * n + j] { closure[i * n + j] = true } } }
        #expect(closure == graph.reaches)
        // 2. The split is disjoint and complete, edges and each target's first source train.
        let split = PairSplit(graph, trainProbability: 0.5, generator: &generator)
        let train = Set(split.train), test = Set(split.test)
        let reachable = Set((0..<n).flatMap { s in ((s + 1)..<n).filter { graph.reaches(s, $0) }.map { PairSplit.Pair(source: s, target: $0) } })
        #expect(train.isDisjoint(with: test))
        #expect(train.union(test) == reachable)
        #expect(reachable.filter { graph.isEdge($0.source, $0.target) }.allSatisfy { train.contains($0) })
        for t in 0..<n {
            if let first = (0..<t).first(where: { graph.reaches($0, t) }) { #expect(train.contains(PairSplit.Pair(source: first, target: t))) }
        }
        // 3. Every path is valid; line counts; A_obs = A_true.
        let lines = PathLines.generate(graph, split, pathsPerPair: 3, generator: &generator)
        #expect(lines.train.count == 3 * split.train.count + graph.edgeCount)
        #expect(lines.test.count == split.test.count)
        for line in lines.train + lines.test {
            let nodes = line.dropLast().map(PathLines.node)
            #expect(line.last == PathLines.newline && nodes[0] == nodes[2] && nodes[1] == nodes.last)
            #expect(zip(nodes[2...], nodes[3...]).allSatisfy { graph.isEdge($0, $1) })
        }
        let observed = ObservedStructure(nodeCount: n, lines: lines.train)
        #expect(observed.adjacency == graph.adjacency)
        // 4. R_obs ⊆ R_true (row = target), strictly smaller here.
        let trueReach = (0..<(n * n)).map { graph.reaches($0 % n, $0 / n) }
        #expect(zip(observed.reachability, trueReach).allSatisfy { !$0 || $1 })
        #expect(zip(observed.reachability, trueReach).contains { !$0 && $1 })
    }

    /// R_obs counts positions ≥ 4 only: a line "0 2 0 1 2" shows (2, 1) and (2, 2) but not (2, 0).
    @Test func observedReachabilityLeavesOutTheSource() {
        let observed = ObservedStructure(nodeCount: 3, lines: [PathLines.line([0, 1, 2])])
        #expect(observed.reachability == [false, false, false, false, false, false, false, true, true])
        #expect(observed.adjacency == [false, true, false, false, false, true, false, false, false])
    }

    /// Degree classes on a chain 0 → 1 → 2 → 3 → 4 trained only on "3 4" and "2 3" style one-edge lines.
    @Test func degreeClassesFollowTheirDefinition() {
        var adjacency = [Bool](repeating: false, count: 25)
        for i in 0..<4 { adjacency[i * 5 + i + 1] = true }
        let graph = RandomDAG(nodeCount: 5, adjacency: adjacency)
        let observed = ObservedStructure(nodeCount: 5, lines: [PathLines.line([3, 4]), PathLines.line([0, 1, 2, 3, 4])])
        #expect(observed.degreeClass(source: 1, target: 4, graph: graph) == 0)   // 1 was seen on a path to 4
        let onlyEdge = ObservedStructure(nodeCount: 5, lines: [PathLines.line([3, 4])])
        #expect(onlyEdge.degreeClass(source: 3, target: 4, graph: graph) == 1)   // successor 4 = t is observed
        #expect(onlyEdge.degreeClass(source: 2, target: 4, graph: graph) == 2)
        #expect(onlyEdge.degreeClass(source: 1, target: 4, graph: graph) == 3)
    }
}
