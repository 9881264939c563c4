import Foundation
import NumericCore

/// ALPINE.md §4.3: the simplified model of the learning dynamics. With current node i and target j the next node k
/// has p(k | i, j) = softmax_k(W^M(i, ·) + W^V(j, ·)) (Eq. 5); trained by full-batch gradient descent on the
/// count-normalised loss
///   ℓ = (1/N) [ −Σ_ijk N_ijk (W^M_ik + W^V_jk) + Σ_ij N_ij log Σ_l exp(W^M_il + W^V_jl) ],
///   ∂ℓ/∂W^M_ik = (1/N)(−Σ_j N_ijk + Σ_j N_ij p(k|i,j)),   ∂ℓ/∂W^V_jk = (1/N)(−Σ_i N_ijk + Σ_i N_ij p(k|i,j)).
public struct SimplifiedModel: Sendable {
    public let nodeCount: Int
    /// N_ijk, row-major [current i][target j][next k].
    public let counts: [Double]
    public var adjacencyWeights: [Double]
    public var reachabilityWeights: [Double]

    /// Counts of the next-node predictions (positions n ≥ 3, 1-indexed, whose next token is a node) in `lines`.
    public init(nodeCount n: Int, lines: [[Int32]]) {
        var counts = [Double](repeating: 0, count: n * n * n)
        for line in lines {
            let nodes = line.prefix { $0 != PathLines.newline }.map(PathLines.node)
            guard nodes.count >= 4 else { continue }
            let target = nodes[1]
            for position in 2..<(nodes.count - 1) { counts[(nodes[position] * n + target) * n + nodes[position + 1]] += 1 }
        }
        self.init(nodeCount: n, counts: counts)
    }

    public init(nodeCount n: Int, counts: [Double]) {
        precondition(counts.count == n * n * n, "SimplifiedModel: counts are not n × n × n")
        nodeCount = n
        self.counts = counts
        adjacencyWeights = Array(repeating: 0, count: n * n)
        reachabilityWeights = Array(repeating: 0, count: n * n)
    }

    /// The loss and its gradients (∂W^M, ∂W^V), each n × n.
    public func lossAndGradients() -> (loss: Double, adjacency: [Double], reachability: [Double]) {
        let n = nodeCount
        var gM = [Double](repeating: 0, count: n * n), gV = gM
        var loss = 0.0, total = 0.0
        var logits = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<n {
                let base = (i * n + j) * n
                var nij = 0.0
                for k in 0..<n { nij += counts[base + k] }
                guard nij > 0 else { continue }
                total += nij
                var largest = -Double.infinity
                for k in 0..<n { logits[k] = adjacencyWeights[i * n + k] + reachabilityWeights[j * n + k]; largest = max(largest, logits[k]) }
                var sum = 0.0
                for k in 0..<n { sum += exp(logits[k] - largest) }
                let logSum = log(sum) + largest
                for k in 0..<n {
                    let nijk = counts[base + k]
                    loss -= nijk * logits[k]
                    let g = nij * exp(logits[k] - logSum) - nijk
                    gM[i * n + k] += g
                    gV[j * n + k] += g
                }
                loss += nij * logSum
            }
        }
        let scale = total > 0 ? 1 / total : 0
        return (loss * scale, gM.map { $0 * scale }, gV.map { $0 * scale })
    }

    /// What Theorem 3 says of a run, measured on it.
    public struct TheoremChecks: Sendable, Equatable {
        /// Entries of rows never met (Σ_j N_ij = 0 for W^M; Σ_i N_ij = 0 for W^V) that ever left their initial value.
        public var unseenRowEntriesMoved = 0
        /// Unobserved entries of seen rows (Σ N_ijk = 0) that failed to decrease at some step.
        public var unobservedEntriesNotDecreasing = 0
        /// Unobserved entries of seen rows, in all (W^M and W^V).
        public var unobservedEntries = 0
        /// The smallest value any observed entry took during the run (bounded below, case iii).
        public var lowestObservedValue = Double.infinity
        public var losses: [Double] = []
    }

    /// Full-batch GD from the current weights, checking Theorem 3's cases at every step.
    public mutating func train(learningRate: Double, steps: Int) -> TheoremChecks {
        let n = nodeCount
        var seenCurrent = [Bool](repeating: false, count: n), seenTarget = seenCurrent
        var observedM = [Bool](repeating: false, count: n * n), observedV = observedM
        for i in 0..<n { for j in 0..<n { for k in 0..<n where counts[(i * n + j) * n + k] > 0 {
            seenCurrent[i] = true; seenTarget[j] = true
            observedM[i * n + k] = true; observedV[j * n + k] = true
        } } }
        var checks = TheoremChecks()
        let initialM = adjacencyWeights, initialV = reachabilityWeights
        var decreasingM = (0..<(n * n)).map { seenCurrent[$0 / n] && !observedM[$0] }
        var decreasingV = (0..<(n * n)).map { seenTarget[$0 / n] && !observedV[$0] }
        checks.unobservedEntries = decreasingM.filter { $0 }.count + decreasingV.filter { $0 }.count
        for _ in 0..<steps {
            let (loss, gM, gV) = lossAndGradients()
            checks.losses.append(loss)
            let previousM = adjacencyWeights, previousV = reachabilityWeights
            for e in 0..<(n * n) {
                adjacencyWeights[e] -= learningRate * gM[e]
                reachabilityWeights[e] -= learningRate * gV[e]
                if decreasingM[e] && !(adjacencyWeights[e] < previousM[e]) { decreasingM[e] = false; checks.unobservedEntriesNotDecreasing += 1 }
                if decreasingV[e] && !(reachabilityWeights[e] < previousV[e]) { decreasingV[e] = false; checks.unobservedEntriesNotDecreasing += 1 }
                if observedM[e] { checks.lowestObservedValue = min(checks.lowestObservedValue, adjacencyWeights[e]) }
                if observedV[e] { checks.lowestObservedValue = min(checks.lowestObservedValue, reachabilityWeights[e]) }
            }
        }
        for e in 0..<(n * n) {
            if !seenCurrent[e / n] && adjacencyWeights[e] != initialM[e] { checks.unseenRowEntriesMoved += 1 }
            if !seenTarget[e / n] && reachabilityWeights[e] != initialV[e] { checks.unseenRowEntriesMoved += 1 }
        }
        return checks
    }
}

/// Fig. 1/2's datasets on a small graph: D1 every one-edge line; D2 = D1 plus a random `fraction` of the longer
/// paths; D3 every path between every reachable pair.
public enum SimplifiedDatasets {
    /// Every path s → … → t (s < t reachable), in (s, t, lexicographic) order.
    public static func allPaths(_ graph: RandomDAG) -> [[Int]] {
        var paths: [[Int]] = []
        func extend(_ path: [Int], to t: Int) {
            let last = path.last!
            if last == t { paths.append(path); return }
            for next in graph.successors(last) where graph.reaches(next, t) { extend(path + [next], to: t) }
        }
        for s in 0..<graph.nodeCount { for t in (s + 1)..<max(graph.nodeCount, s + 1) where graph.reaches(s, t) { extend([s], to: t) } }
        return paths
    }

    public static func datasets(_ graph: RandomDAG, fraction: Double, generator: inout SeededGenerator) -> [[[Int32]]] {
        let paths = allPaths(graph)
        let edges = paths.filter { $0.count == 2 }, longer = paths.filter { $0.count > 2 }
        let chosen = longer.filter { _ in generator.nextUniform() < fraction }
        return [edges, edges + chosen, paths].map { $0.map(PathLines.line) }
    }
}
