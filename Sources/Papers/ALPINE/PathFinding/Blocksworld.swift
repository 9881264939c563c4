/// ALPINE App. F: the Blocksworld state graph of four distinct blocks (0 red, 1 blue, 2 orange, 3 yellow) in
/// stacks on a table. A node is a state; an edge is one legal move: a clear block (the top of its stack) goes onto
/// the table (when it is not already on it) or onto the top of another stack. Moves undo each other, so the graph
/// is symmetric and strongly connected.
///
/// Node order (the paper's figures depend on it: node 0 and "the first 24 nodes"): states by their number of
/// stacks, 1 to 4 (the Lah numbers 24, 36, 12, 1); within one count, by their stacks compared lexicographically,
/// each stack written top to bottom and a state's stacks sorted. So ids 0–23 are the single towers in
/// lexicographic order of their top-to-bottom colours, node 0 = red/blue/orange/yellow/table (red on top), node 23 =
/// yellow/orange/blue/red; node 72 is every block on the table.
public struct Blocksworld: Sendable {
    public static let colours = ["red", "blue", "orange", "yellow"]
    public static let blockCount = 4

    /// A state: its stacks, each top to bottom, sorted lexicographically.
    public struct State: Hashable, Sendable, Comparable {
        public let stacks: [[Int]]
        public init(stacks: [[Int]]) { self.stacks = stacks.sorted { $0.lexicographicallyPrecedes($1) } }

        public static func < (a: State, b: State) -> Bool {
            if a.stacks.count != b.stacks.count { return a.stacks.count < b.stacks.count }
            for (x, y) in zip(a.stacks, b.stacks) where x != y { return x.lexicographicallyPrecedes(y) }
            return false
        }

        /// What each block sits on: another block's index, or `Blocksworld.table`.
        public var support: [Int] {
            var on = [Int](repeating: Blocksworld.table, count: Blocksworld.blockCount)
            for stack in stacks { for (k, block) in stack.enumerated() where k + 1 < stack.count { on[block] = stack[k + 1] } }
            return on
        }

        /// The states one legal move away: each stack's top block onto the table (if its stack has more than one
        /// block) or onto another stack's top.
        public var successors: [State] {
            var result: [State] = []
            for (from, stack) in stacks.enumerated() {
                let block = stack[0]
                var rest = stacks
                rest[from].removeFirst()
                let wasAlone = rest[from].isEmpty
                if wasAlone { rest.remove(at: from) } else { result.append(State(stacks: rest + [[block]])) }
                // Not back onto the block it came from (that is no move).
                for onto in rest.indices where wasAlone || onto != from {
                    var moved = rest
                    moved[onto].insert(block, at: 0)
                    result.append(State(stacks: moved))
                }
            }
            return result
        }

        /// "red/blue/orange/yellow/table" for each stack (top first), stacks joined by " + ".
        public var description: String {
            stacks.map { $0.map { Blocksworld.colours[$0] }.joined(separator: "/") + "/table" }.joined(separator: " + ")
        }
    }

    /// The table, as a support (`State.support`).
    public static let table = blockCount

    /// Every state, in node order.
    public let states: [State]
    public let graph: DirectedGraph

    public init() {
        var states = Set<State>()
        // Every permutation of the blocks cut into consecutive stacks gives every state (several times).
        for order in Self.permutations(Array(0..<Self.blockCount)) {
            for cuts in 0..<(1 << (Self.blockCount - 1)) {
                var stacks: [[Int]] = [[order[0]]]
                for k in 1..<Self.blockCount {
                    if cuts & (1 << (k - 1)) != 0 { stacks.append([order[k]]) } else { stacks[stacks.count - 1].append(order[k]) }
                }
                states.insert(State(stacks: stacks))
            }
        }
        let ordered = states.sorted()
        let index = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1, $0) })
        let n = ordered.count
        var adjacency = [Bool](repeating: false, count: n * n)
        for (i, state) in ordered.enumerated() { for next in state.successors { adjacency[i * n + index[next]!] = true } }
        self.states = ordered
        graph = DirectedGraph(nodeCount: n, adjacency: adjacency)
    }

    static func permutations(_ items: [Int]) -> [[Int]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { k in
            permutations(Array(items[..<k] + items[(k + 1)...])).map { [items[k]] + $0 }
        }
    }
}
