import NumericCore

/// §1.3–1.4: random paths written as token lines "s t s u₁ … t \n" (PAD 0, "\n" 1, node i → token i + 2).
public enum PathLines {
    public static let pad: Int32 = 0
    public static let newline: Int32 = 1
    public static func token(_ node: Int) -> Int32 { Int32(node + 2) }
    public static func node(_ token: Int32) -> Int { Int(token) - 2 }

    /// A walk from s that at each node steps to a uniformly drawn successor that reaches t and is not yet on the
    /// path, until t. A walk with no such successor starts again from s, as the authors' create_graph.py does for
    /// graphs with cycles (App. F, Blocksworld); in a DAG a successor that reaches t is never on the path already
    /// and a walk never gets stuck, so there the draws are exactly those of the plain walk.
    public static func randomPath(_ graph: some PathGraph, from s: Int, to t: Int, generator: inout SeededGenerator) -> [Int] {
        precondition(graph.reaches(s, t) && s != t, "PathLines: \(t) is not reachable from \(s)")
        while true {
            var path = [s]
            var onPath = [Bool](repeating: false, count: graph.nodeCount)
            onPath[s] = true
            var current = s
            while current != t {
                let choices = graph.successors(current).filter { !onPath[$0] && graph.reaches($0, t) }
                if choices.isEmpty { break }
                current = choices[generator.nextIndex(below: choices.count)]
                onPath[current] = true
                path.append(current)
            }
            if current == t { return path }
        }
    }

    /// The line of a path: s t, then the path's nodes, then "\n".
    public static func line(_ path: [Int]) -> [Int32] {
        [token(path[0]), token(path.last!)] + path.map(token) + [newline]
    }

    /// The training lines: `pathsPerPair` random paths per train pair, plus "s t s t" once for every edge pair;
    /// the test lines: one random path per test pair. Pairs in split order, the edge line after the pair's paths.
    public static func generate(_ graph: some PathGraph, _ split: PairSplit, pathsPerPair: Int,
                                generator: inout SeededGenerator) -> (train: [[Int32]], test: [[Int32]]) {
        var train: [[Int32]] = []
        for pair in split.train {
            for _ in 0..<pathsPerPair { train.append(line(randomPath(graph, from: pair.source, to: pair.target, generator: &generator))) }
            if graph.isEdge(pair.source, pair.target) { train.append(line([pair.source, pair.target])) }
        }
        let test = split.test.map { line(randomPath(graph, from: $0.source, to: $0.target, generator: &generator)) }
        return (train, test)
    }

    /// App. F (Blocksworld): `trainLines` training lines spread as evenly as the train pairs allow — every pair gets
    /// ⌊lines / pairs⌋ random paths, and a seeded random choice of `lines mod pairs` pairs one more (the first of a
    /// Fisher–Yates permutation of the pair indices) — then one random path per test pair. No one-edge lines are added:
    /// the paper counts 50,000 sequences in all. Lines in split order, a pair's paths together.
    public static func generate(_ graph: some PathGraph, _ split: PairSplit, trainLines: Int,
                                generator: inout SeededGenerator) -> (train: [[Int32]], test: [[Int32]]) {
        precondition(!split.train.isEmpty, "PathLines: no train pairs to spread \(trainLines) lines over")
        let order = generator.permutation(split.train.count)
        var counts = [Int](repeating: trainLines / split.train.count, count: split.train.count)
        for k in order.prefix(trainLines % split.train.count) { counts[k] += 1 }
        var train: [[Int32]] = []
        for (pair, count) in zip(split.train, counts) {
            for _ in 0..<count { train.append(line(randomPath(graph, from: pair.source, to: pair.target, generator: &generator))) }
        }
        let test = split.test.map { line(randomPath(graph, from: $0.source, to: $0.target, generator: &generator)) }
        return (train, test)
    }
}

/// §4.1: what the training lines show. A_obs(i, k): a transition i → k at positions n ≥ 3 (1-indexed);
/// R_obs(t, k): k at a position n ≥ 4 of a line whose target (position 2) is t. Both n × n, row-major.
public struct ObservedStructure: Sendable, Equatable {
    public let nodeCount: Int
    public let adjacency: [Bool]
    /// Row = target t, column = node k.
    public let reachability: [Bool]

    public init(nodeCount n: Int, lines: [[Int32]]) {
        var adjacency = [Bool](repeating: false, count: n * n), reachability = adjacency
        for line in lines {
            let nodes = line.prefix { $0 != PathLines.newline }.map(PathLines.node)
            guard nodes.count >= 3 else { continue }
            let target = nodes[1]
            for position in 2..<(nodes.count - 1) { adjacency[nodes[position] * n + nodes[position + 1]] = true }
            for position in 3..<max(nodes.count, 3) { reachability[target * n + nodes[position]] = true }
        }
        nodeCount = n
        self.adjacency = adjacency
        self.reachability = reachability
    }

    /// §5 (Fig. 6): degree class of a test pair: 0 if R_obs(t, s); 1 if some successor u of s has R_obs(t, u);
    /// 2 if some successor u of s has (u, t) of class 1; 3 otherwise (3+).
    public func degreeClass(source s: Int, target t: Int, graph: some PathGraph) -> Int {
        let n = nodeCount
        if reachability[t * n + s] { return 0 }
        let successors = graph.successors(s)
        if successors.contains(where: { reachability[t * n + $0] }) { return 1 }
        if successors.contains(where: { u in graph.successors(u).contains { reachability[t * n + $0] } }) { return 2 }
        return 3
    }
}
