import NumericCore

/// ALPINE.md §1.1: a random DAG on nodes 0..<n where each candidate edge i → j with i < j is kept with probability p,
/// and its reachability (transitive closure, every node reaching itself).
public struct RandomDAG: PathGraph, Equatable {
    public let nodeCount: Int
    /// Row-major n × n: adjacency[i·n + j] for the edge i → j.
    public let adjacency: [Bool]
    /// Row-major n × n: reaches[s·n + t] when there is a path s → … → t (s = t included).
    public let reaches: [Bool]

    /// Edges drawn in the order (0,1), (0,2), …, (n−2,n−1), one uniform draw each.
    public init(nodeCount n: Int, edgeProbability p: Double, generator: inout SeededGenerator) {
        var adjacency = [Bool](repeating: false, count: n * n)
        for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { adjacency[i * n + j] = generator.nextUniform() < p } }
        self.init(nodeCount: n, adjacency: adjacency)
    }

    public init(nodeCount n: Int, adjacency: [Bool]) {
        precondition(adjacency.count == n * n, "RandomDAG: adjacency is not n × n")
        nodeCount = n
        self.adjacency = adjacency
        // Reachability in reverse topological order: s reaches what its successors reach.
        var reaches = [Bool](repeating: false, count: n * n)
        for s in stride(from: n - 1, through: 0, by: -1) {
            reaches[s * n + s] = true
            for j in (s + 1)..<max(n, s + 1) where adjacency[s * n + j] {
                for t in j..<n where reaches[j * n + t] { reaches[s * n + t] = true }
            }
        }
        self.reaches = reaches
    }

    public func reaches(_ s: Int, _ t: Int) -> Bool { reaches[s * nodeCount + t] }
    /// Only j > i can be a successor in a DAG of this order.
    public func successors(_ i: Int) -> [Int] { ((i + 1)..<max(nodeCount, i + 1)).filter { isEdge(i, $0) } }
}

/// §1.2: the reachable pairs (s, t), s < t, split into train and test.
public struct PairSplit: Sendable, Equatable {
    public struct Pair: Hashable, Sendable {
        public let source: Int
        public let target: Int
        public init(source: Int, target: Int) { self.source = source; self.target = target }
    }
    public let train: [Pair]
    public let test: [Pair]

    public init(train: [Pair], test: [Pair]) {
        self.train = train
        self.test = test
    }

    /// Targets in ascending order, sources ascending within each: an edge goes to train; so does the first reachable
    /// source met for a target (so every reachable target is trained on, as in the authors' code); any other pair
    /// goes to train with probability `trainProbability` (one uniform draw per such pair, in this order).
    public init(_ graph: RandomDAG, trainProbability: Double, generator: inout SeededGenerator) {
        var train: [Pair] = [], test: [Pair] = []
        for t in 0..<graph.nodeCount {
            var first = true
            for s in 0..<t where graph.reaches(s, t) {
                let pair = Pair(source: s, target: t)
                if graph.isEdge(s, t) || first || generator.nextUniform() < trainProbability {
                    train.append(pair)
                } else {
                    test.append(pair)
                }
                first = false
            }
        }
        self.train = train
        self.test = test
    }

    /// App. F (Blocksworld): a seeded random share of the ordered reachable pairs (s ≠ t) trains, the rest test.
    /// The pairs, source-major, are permuted (`generator.permutation`, Fisher–Yates); the first round(share · count) train.
    /// Both lists are then put back in source-major order, so the files read like the DAG split's.
    public init(orderedPairsOf graph: some PathGraph, trainShare: Double, generator: inout SeededGenerator) {
        var pairs: [Pair] = []
        for s in 0..<graph.nodeCount { for t in 0..<graph.nodeCount where s != t && graph.reaches(s, t) {
            pairs.append(Pair(source: s, target: t))
        } }
        let shuffled = generator.permutation(pairs.count).map { pairs[$0] }
        let trainCount = Int((trainShare * Double(pairs.count)).rounded())
        func sourceMajor(_ a: Pair, _ b: Pair) -> Bool { (a.source, a.target) < (b.source, b.target) }
        self.train = shuffled[..<trainCount].sorted(by: sourceMajor)
        self.test = shuffled[trainCount...].sorted(by: sourceMajor)
    }
}
