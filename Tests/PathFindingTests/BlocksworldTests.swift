import Testing
import NumericCore
@testable import PathFinding

/// ALPINE App. F: the Blocksworld state graph, its node order, and the 80/20 split and walks on it.
@Suite struct BlocksworldTests {
    static let world = Blocksworld()

    @Test func thereAre73StatesCountedByTheLahNumbers() {
        let states = Self.world.states
        #expect(states.count == 73)
        #expect((1...4).map { k in states.filter { $0.stacks.count == k }.count } == [24, 36, 12, 1])
        // Ids grouped by stack count: 0–23 towers, 24–59 two stacks, 60–71 three, 72 all on the table.
        #expect(states.map(\.stacks.count) == Array(repeating: 1, count: 24) + Array(repeating: 2, count: 36)
                + Array(repeating: 3, count: 12) + [4])
        #expect(Set(states).count == 73)
        // Every state holds each block exactly once.
        #expect(states.allSatisfy { $0.stacks.flatMap { $0 }.sorted() == [0, 1, 2, 3] })
    }

    @Test func nodeZeroIsTheRedBlueOrangeYellowTower() {
        #expect(Self.world.states[0].stacks == [[0, 1, 2, 3]])
        #expect(Self.world.states[0].description == "red/blue/orange/yellow/table")
        #expect(Self.world.states[23].stacks == [[3, 2, 1, 0]])
        #expect(Self.world.states[72].stacks == [[0], [1], [2], [3]])
    }

    @Test func theGraphIsSymmetricStronglyConnectedAndTowersHaveOneNeighbour() {
        let graph = Self.world.graph, n = graph.nodeCount
        #expect((0..<n).allSatisfy { i in (0..<n).allSatisfy { graph.isEdge(i, $0) == graph.isEdge($0, i) } })
        #expect((0..<n).allSatisfy { !graph.isEdge($0, $0) })
        #expect(graph.reachability.allSatisfy { $0 })
        #expect((0..<24).allSatisfy { graph.successors($0).count == 1 })
        #expect((24..<n).allSatisfy { graph.successors($0).count > 1 })
        // The lone neighbour of a tower is the tower with its top block on the table.
        #expect(graph.successors(0) == [Self.world.states.firstIndex(of: .init(stacks: [[1, 2, 3], [0]]))!])
    }

    /// Every edge, and every non-edge, against a rule written on the blocks' supports instead of on stacks: exactly
    /// one block changes what it sits on; it was clear before and is clear after; what it lands on was clear.
    @Test func everyEdgeIsOneLegalMoveByAnIndependentRule() {
        let states = Self.world.states, graph = Self.world.graph, n = states.count
        func clear(_ support: [Int], _ block: Int) -> Bool { !support.contains(block) }
        func legal(_ a: [Int], _ b: [Int]) -> Bool {
            let moved = (0..<4).filter { a[$0] != b[$0] }
            guard moved.count == 1, let block = moved.first else { return false }
            let destination = b[block]
            return clear(a, block) && clear(b, block) && (destination == Blocksworld.table || clear(a, destination))
        }
        var edges = 0
        for i in 0..<n { for j in 0..<n where i != j {
            #expect(graph.isEdge(i, j) == legal(states[i].support, states[j].support), "\(states[i].description) → \(states[j].description)")
            edges += graph.isEdge(i, j) ? 1 : 0
        } }
        #expect(edges == graph.edgeCount)
    }

    @Test func theSplitIsARandomEightyPercentOfOrderedPairsDisjointAndCovering() {
        let graph = Self.world.graph
        var generator = SeededGenerator(seed: 4)
        let split = PairSplit(orderedPairsOf: graph, trainShare: 0.8, generator: &generator)
        let all = Set((0..<73).flatMap { s in (0..<73).filter { $0 != s }.map { PairSplit.Pair(source: s, target: $0) } })
        #expect(split.train.count == 4205 && split.test.count == 1051)
        #expect(Set(split.train).isDisjoint(with: split.test))
        #expect(Set(split.train).union(split.test) == all)
        var again = SeededGenerator(seed: 4), other = SeededGenerator(seed: 5)
        #expect(PairSplit(orderedPairsOf: graph, trainShare: 0.8, generator: &again) == split)
        #expect(PairSplit(orderedPairsOf: graph, trainShare: 0.8, generator: &other) != split)
    }

    @Test func walksAreValidCycleFreeAndSpreadEvenly() {
        let graph = Self.world.graph
        var generator = SeededGenerator(seed: 9)
        let split = PairSplit(orderedPairsOf: graph, trainShare: 0.8, generator: &generator)
        let lines = PathLines.generate(graph, split, trainLines: 10_000, generator: &generator)
        #expect(lines.train.count == 10_000 && lines.test.count == split.test.count)
        var perPair: [PairSplit.Pair: Int] = [:]
        for line in lines.train + lines.test {
            let nodes = line.dropLast().map(PathLines.node)
            #expect(line.last == PathLines.newline && nodes[0] == nodes[2] && nodes[1] == nodes.last)
            let path = Array(nodes[2...])
            #expect(Set(path).count == path.count, "a cycle in \(path)")
            #expect(zip(path, path.dropFirst()).allSatisfy { graph.isEdge($0, $1) })
            // A single tower has one neighbour, so a cycle-free path can only start or end there.
            #expect(path.dropFirst().dropLast().allSatisfy { $0 >= 24 })
        }
        for line in lines.train { perPair[PairSplit.Pair(source: PathLines.node(line[0]), target: PathLines.node(line[1])), default: 0] += 1 }
        #expect(Set(perPair.keys) == Set(split.train))
        // 10,000 over 4205 pairs: 2 or 3 each, 10,000 − 2·4205 of them 3.
        #expect(perPair.values.allSatisfy { $0 == 2 || $0 == 3 })
        #expect(perPair.values.filter { $0 == 3 }.count == 10_000 - 2 * 4205)
    }

    /// The walk on a DAG consumes exactly the draws of the plain walk (the existing n = 100 data must not move):
    /// replayed here by hand on a random DAG.
    @Test func onADagTheWalkDrawsLikeThePlainWalk() {
        var graphDraws = SeededGenerator(seed: 2)
        let dag = RandomDAG(nodeCount: 40, edgeProbability: 0.2, generator: &graphDraws)
        var a = SeededGenerator(seed: 11), b = SeededGenerator(seed: 11)
        for s in 0..<40 { for t in (s + 1)..<40 where dag.reaches(s, t) {
            let walked = PathLines.randomPath(dag, from: s, to: t, generator: &a)
            var plain = [s], current = s
            while current != t {
                let choices = dag.successors(current).filter { dag.reaches($0, t) }
                current = choices[b.nextIndex(below: choices.count)]
                plain.append(current)
            }
            #expect(walked == plain)
        } }
        #expect(a.next() == b.next())
    }

    /// A general graph's reachability against Floyd–Warshall on a random digraph with cycles.
    @Test func directedGraphReachabilityMatchesAClosure() {
        var generator = SeededGenerator(seed: 3)
        let n = 30
        let adjacency = (0..<(n * n)).map { $0 / n != $0 % n && generator.nextUniform() < 0.05 }
        let graph = DirectedGraph(nodeCount: n, adjacency: adjacency)
        var closure = (0..<(n * n)).map { adjacency[$0] || $0 / n == $0 % n }
        for k in 0..<n { for i in 0..<n where closure[i * n + k] { for j in 0..<n where closure[k * n + j] { closure[i * n + j] = true } } }
        #expect(graph.reachability == closure)
        #expect(closure.contains(false) && closure.enumerated().contains { $0.element && $0.offset / n > $0.offset % n })
    }
}
