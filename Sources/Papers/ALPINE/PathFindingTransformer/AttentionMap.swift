import NumericCore
import Layers

/// Figure 4: the attention of layer 0, head 0 under teacher forcing, averaged entry by entry over the sequences long
/// enough to have that entry (row = query position, column = key position, both from 0).
public struct AttentionMap: Sendable {
    public let size: Int
    /// size × size means, NaN where no sequence reaches the row.
    public let mean: [Double]
    /// Sequences that reach each row.
    public let rowCounts: [Int]

    /// `sequences` are run in chunks that fit the model's capacity, each cut to the block.
    public init(model: GPT<Float>, sequences: [[Int32]]) {
        let block = model.configuration.block
        var sums = [Double](repeating: 0, count: block * block)
        var counts = [Int](repeating: 0, count: block)
        var start = 0
        while start < sequences.count {
            var lengths: [Int] = [], tokens: [Int32] = []
            var end = start
            while end < sequences.count, tokens.count + min(sequences[end].count, block) <= model.capacity {
                let cut = sequences[end].prefix(block)
                tokens += cut
                lengths.append(cut.count)
                end += 1
            }
            precondition(end > start, "AttentionMap: the model's capacity holds no sequence")
            model.forward(tokens: tokens, layout: SequenceLayout(lengths: lengths))
            for (k, t) in lengths.enumerated() {
                let p = model.attention(layer: 0, head: 0, sequence: k)
                for i in 0..<t {
                    counts[i] += 1
                    for j in 0...i { sums[i * block + j] += Double(p[i * t + j]) }
                }
            }
            start = end
        }
        size = block
        rowCounts = counts
        mean = (0..<(block * block)).map { counts[$0 / block] == 0 ? .nan : sums[$0] / Double(counts[$0 / block]) }
    }

    /// §7 item 6: the mean weight on key position `key` over query rows `rows` (rows no sequence reaches are left out),
    /// each row weighted by the sequences that reach it.
    public func meanWeight(onKey key: Int, rows: Range<Int>) -> Double {
        var total = 0.0, weight = 0
        for i in rows where i < size && rowCounts[i] > 0 && key <= i {
            total += mean[i * size + key] * Double(rowCounts[i])
            weight += rowCounts[i]
        }
        return weight == 0 ? .nan : total / Double(weight)
    }
}
