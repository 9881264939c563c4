import Foundation
import NumericCore
import Layers

/// Path completions of prompts "s t" (ALPINE.md §3): up to `block` new tokens each, stopping at "\n"; the context
/// is cut to the last `block` tokens as nanoGPT's generate does. No key-value cache: each step runs the model on the
/// unfinished sequences packed together, so one step costs one forward pass over at most `block` rows per prompt.
public enum Completion {
    public enum Decoding: Sendable, Equatable {
        /// Sampling from softmax(logits / temperature) with the generator's uniform draws (inverse CDF, in token
        /// order, so the draw sequence and hence the result depend only on the seed).
        case sampled(temperature: Double)
        /// argmax, ties to the lowest token.
        case greedy
    }

    public static let newline: Int32 = 1

    /// The completed token sequences (prompt included, "\n" included when emitted), in prompt order.
    public static func complete(_ model: GPT<Float>, prompts: [[Int32]], decoding: Decoding,
                                generator: inout SeededGenerator) -> [[Int32]] {
        let block = model.configuration.block, vocabulary = model.configuration.vocabulary
        var sequences = prompts
        var open = Array(prompts.indices)
        let capacityRows = model.capacity
        for _ in 0..<block where !open.isEmpty {
            // Contexts of the open sequences, in chunks that fit the model's capacity.
            var next: [Int32] = Array(repeating: 0, count: open.count)
            var start = 0
            while start < open.count {
                var lengths: [Int] = [], tokens: [Int32] = []
                var end = start
                while end < open.count {
                    let context = sequences[open[end]].suffix(block)
                    if tokens.count + context.count > capacityRows { break }
                    tokens += context
                    lengths.append(context.count)
                    end += 1
                }
                precondition(end > start, "Completion: the model's capacity holds no context of \(block) tokens")
                let layout = SequenceLayout(lengths: lengths)
                let logits = model.forward(tokens: tokens, layout: layout)
                for (k, index) in (start..<end).enumerated() {
                    let row = logits + (layout.offsets[k] + lengths[k] - 1) * vocabulary
                    next[index] = choose(row, vocabulary: vocabulary, decoding: decoding, generator: &generator)
                }
                start = end
            }
            var stillOpen: [Int] = []
            for (k, index) in open.enumerated() {
                sequences[index].append(next[k])
                if next[k] != newline { stillOpen.append(index) }
            }
            open = stillOpen
        }
        return sequences
    }

    static func choose(_ logits: UnsafePointer<Float>, vocabulary: Int, decoding: Decoding,
                       generator: inout SeededGenerator) -> Int32 {
        switch decoding {
        case .greedy:
            var best = 0
            for j in 1..<vocabulary where logits[j] > logits[best] { best = j }
            return Int32(best)
        case .sampled(let temperature):
            var largest = -Double.infinity
            for j in 0..<vocabulary { largest = max(largest, Double(logits[j]) / temperature) }
            var weights = [Double](repeating: 0, count: vocabulary)
            var total = 0.0
            for j in 0..<vocabulary { weights[j] = exp(Double(logits[j]) / temperature - largest); total += weights[j] }
            var u = generator.nextUniform() * total
            for j in 0..<vocabulary {
                u -= weights[j]
                if u < 0 { return Int32(j) }
            }
            return Int32(vocabulary - 1)
        }
    }
}

/// ALPINE.md §3's rule for a generated line "s t s u … t": at least 4 numbers, the third is s, the last is t, every
/// consecutive pair from the third number on is an edge. Any non-node token before the "\n" (PAD, or a line
/// without "\n") makes it wrong (the authors' regex would drop PAD; we count it as a syntax error).
public struct PathValidity: Sendable {
    public let nodeCount: Int
    /// Row-major n × n, true for an edge i → j.
    public let adjacency: [Bool]

    public init(nodeCount: Int, adjacency: [Bool]) {
        precondition(adjacency.count == nodeCount * nodeCount, "PathValidity: adjacency is not n × n")
        self.nodeCount = nodeCount
        self.adjacency = adjacency
    }

    /// Node i is token i + 2.
    public func isValid(_ completion: [Int32], source: Int, target: Int) -> Bool {
        guard let end = completion.firstIndex(of: Completion.newline) else { return false }
        let nodes = completion[..<end].map { Int($0) - 2 }
        guard nodes.count >= 4, nodes.allSatisfy({ $0 >= 0 && $0 < nodeCount }) else { return false }
        guard nodes[0] == source, nodes[1] == target, nodes[2] == source, nodes.last == target else { return false }
        for k in 2..<(nodes.count - 1) where !adjacency[nodes[k] * nodeCount + nodes[k + 1]] { return false }
        return true
    }
}
