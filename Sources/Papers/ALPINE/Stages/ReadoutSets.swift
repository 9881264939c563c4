import PathFinding

/// The pair sets the §7 checks and Figures 5–6 read W_M′ and W_V′ on, computed once for both the verify and the
/// plot kind: edges and non-edges among i < j (row-major index i·n + j), and in the lower triangle t ≥ k
/// (index t·n + k, row = target) the observed, reachable-but-unobserved and unreachable pairs.
struct ReadoutSets {
    let nodeCount: Int
    let edges: [Int]
    let nonEdges: [Int]
    let observed: [Int]
    let reachableUnobserved: [Int]
    let unreachable: [Int]

    init(graph: RandomDAG, observedReachability: [Bool]) {
        let n = graph.nodeCount
        nodeCount = n
        let upper = (0..<(n * n)).filter { $0 / n < $0 % n }
        edges = upper.filter { graph.adjacency[$0] }
        nonEdges = upper.filter { !graph.adjacency[$0] }
        var sets: [[Int]] = [[], [], []]
        for t in 0..<n { for k in 0...t {
            let e = t * n + k
            sets[observedReachability[e] ? 0 : (graph.reaches(k, t) ? 1 : 2)].append(e)
        } }
        (observed, reachableUnobserved, unreachable) = (sets[0], sets[1], sets[2])
    }

    /// mean W_M′ on edges − mean on non-edges, for one n × n matrix `w` (row-major).
    func adjacencyGap(_ w: (Int) -> Double) -> Double { mean(edges.map(w)) - mean(nonEdges.map(w)) }
}
