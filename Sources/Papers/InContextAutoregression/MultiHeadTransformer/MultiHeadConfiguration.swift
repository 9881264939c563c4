/// Sizes of the non-augmented multi-head model of PAPER.md §6 (Fig. 7).
///
/// Tokens s_t ∈ R^d enter as x_t = (s_t, s_t) ∈ R^{2d}; every head works in the full width 2d (the reference sets
/// head_dim = embed_size); inputs are s_0 … s_{T−1}, targets s_1 … s_T.
public struct MultiHeadConfiguration: Sendable, Equatable {
    /// d, the dimension of the sequence tokens s_t.
    public var dimension: Int
    /// H, the number of heads.
    public var headCount: Int
    /// T, the number of input positions (a sequence has T + 1 tokens).
    public var positionCount: Int

    public init(dimension: Int, headCount: Int, positionCount: Int) {
        precondition(dimension > 0 && headCount > 0 && positionCount > 0, "MultiHeadConfiguration: sizes must be positive")
        self.dimension = dimension
        self.headCount = headCount
        self.positionCount = positionCount
    }

    /// PAPER.md §6: d = 5, H = 64, 51 tokens per sequence.
    public static let paper = MultiHeadConfiguration(dimension: 5, headCount: 64, positionCount: 50)

    /// 2d: the width of x_t = (s_t, s_t), of the position embeddings, and of every head.
    public var width: Int { 2 * dimension }
}
