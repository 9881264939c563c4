/// The sizes of ALPINE's GPT (ALPINE.md §2: nanoGPT's GPT-2 block, no biases, dropout 0, tied embeddings).
public struct GPTConfiguration: Equatable, Sendable {
    public var vocabulary: Int
    public var block: Int
    public var width: Int
    public var layers: Int
    public var heads: Int

    public init(vocabulary: Int, block: Int, width: Int, layers: Int, heads: Int) {
        self.vocabulary = vocabulary
        self.block = block
        self.width = width
        self.layers = layers
        self.heads = heads
    }

    /// 12 L d² (attention and MLP) + vocabulary·d (tied) + block·d + (2L + 1) d (LayerNorm gains).
    public var parameterCount: Int {
        12 * layers * width * width + vocabulary * width + block * width + (2 * layers + 1) * width
    }
}
