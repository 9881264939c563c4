/// The dependency graph of a pipeline's stages: edges run from the stage that provides an input to its consumer.
public struct StageGraph {
    public let pipeline: Pipeline

    public init(_ pipeline: Pipeline) { self.pipeline = pipeline }

    /// Stage names in an order where every stage follows its inputs; ties keep the order of pipeline.json.
    public var topologicalOrder: [String] {
        var order: [String] = []
        var placed = Set<String>()
        while order.count < pipeline.stages.count {
            for stage in pipeline.stages where !placed.contains(stage.name) {
                if stage.inputs.values.allSatisfy(placed.contains) {
                    order.append(stage.name)
                    placed.insert(stage.name)
                }
            }
        }
        return order
    }

    /// The named stages and everything they need, transitively.
    public func upstreamClosure(of names: [String]) -> Set<String> {
        var result = Set<String>()
        var pending = names
        while let name = pending.popLast() {
            guard result.insert(name).inserted, let stage = pipeline.stage(name) else { continue }
            pending.append(contentsOf: stage.inputs.values)
        }
        return result
    }

    /// The named stages and everything that depends on them, transitively.
    public func downstreamClosure(of names: [String]) -> Set<String> {
        var result = Set<String>()
        var pending = names
        while let name = pending.popLast() {
            guard result.insert(name).inserted else { continue }
            pending.append(contentsOf: pipeline.stages.filter { $0.inputs.values.contains(name) }.map(\.name))
        }
        return result
    }

    /// A cycle among the stages' inputs as a closed path (first name repeated at the end), or nil.
    static func findCycle(in stages: [ResolvedStage]) -> [String]? {
        findCycle(in: stages.map { (name: $0.name, sources: Array($0.inputs.values)) })
    }

    /// The same over stages given by name and the names of their inputs' stages (pipeline.json before expansion).
    static func findCycle(in stages: [(name: String, sources: [String])]) -> [String]? {
        let byName = Dictionary(stages.map { ($0.name, Set($0.sources)) }, uniquingKeysWith: { $0.union($1) })
        var state: [String: Int] = [:]  // 1 = on the current path, 2 = finished
        var path: [String] = []
        func visit(_ name: String) -> [String]? {
            if state[name] == 2 { return nil }
            if state[name] == 1 {
                let start = path.firstIndex(of: name)!
                return Array(path[start...]) + [name]
            }
            state[name] = 1
            path.append(name)
            for source in (byName[name]?.sorted() ?? []) {
                if let cycle = visit(source) { return cycle }
            }
            path.removeLast()
            state[name] = 2
            return nil
        }
        for stage in stages {
            if let cycle = visit(stage.name) { return cycle.reversed() }
        }
        return nil
    }
}
