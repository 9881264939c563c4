/// Where each sequence of a batch sits among the rows of the activations: sequences are packed one after another
/// (row = offset of its sequence + position), each with its own length, so no padding is computed.
///
/// A note on why packing is exact: with causal attention a position never sees later ones, so dropping a
/// sequence's trailing padding changes no output at the positions kept, and the loss ignores padding anyway.
public struct SequenceLayout: Equatable, Sendable {
    public let offsets: [Int]
    public let lengths: [Int]
    public let rowCount: Int

    public init(lengths: [Int]) {
        precondition(lengths.allSatisfy { $0 >= 1 }, "SequenceLayout: empty sequence")
        self.lengths = lengths
        var offsets: [Int] = []
        var next = 0
        for length in lengths { offsets.append(next); next += length }
        self.offsets = offsets
        rowCount = next
    }

    /// `count` sequences of the same length.
    public init(count: Int, length: Int) { self.init(lengths: Array(repeating: length, count: count)) }

    public var sequenceCount: Int { lengths.count }
    public var longest: Int { lengths.max() ?? 0 }
}
