/// What the path machinery (walks, splits, R_obs, degree classes) needs of a graph: nodes 0..<n, the adjacency and
/// reachability. The random DAG of §1.1 and the Blocksworld state graph of App. F (symmetric, strongly connected)
/// both provide it, so the walk and the observed structure are written once for both.
public protocol PathGraph: Sendable {
    var nodeCount: Int { get }
    /// Row-major n × n: adjacency[i·n + j] for the edge i → j.
    var adjacency: [Bool] { get }
    /// Whether there is a path s → … → t (s = t included).
    func reaches(_ s: Int, _ t: Int) -> Bool
    /// The nodes j with an edge i → j, ascending.
    func successors(_ i: Int) -> [Int]
}

public extension PathGraph {
    func isEdge(_ i: Int, _ j: Int) -> Bool { adjacency[i * nodeCount + j] }
    func successors(_ i: Int) -> [Int] { (0..<nodeCount).filter { isEdge(i, $0) } }
    var edgeCount: Int { adjacency.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

/// A directed graph of any shape (cycles allowed), its reachability found by a breadth-first search from every node.
public struct DirectedGraph: PathGraph, Equatable {
    public let nodeCount: Int
    public let adjacency: [Bool]
    /// Row-major n × n: reachability[s·n + t] when s reaches t (s = t included).
    public let reachability: [Bool]

    public init(nodeCount n: Int, adjacency: [Bool]) {
        precondition(adjacency.count == n * n, "DirectedGraph: adjacency is not n × n")
        nodeCount = n
        self.adjacency = adjacency
        let successors = (0..<n).map { i in (0..<n).filter { adjacency[i * n + $0] } }
        var reachability = [Bool](repeating: false, count: n * n)
        for s in 0..<n {
            var frontier = [s]
            reachability[s * n + s] = true
            while let i = frontier.popLast() {
                for j in successors[i] where !reachability[s * n + j] {
                    reachability[s * n + j] = true
                    frontier.append(j)
                }
            }
        }
        self.reachability = reachability
    }

    public func reaches(_ s: Int, _ t: Int) -> Bool { reachability[s * nodeCount + t] }
}
