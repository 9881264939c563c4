import NumericCore

/// Every trained tensor of the §6 model, laid out like the reference's PyTorch modules (row-major, out × in).
///
/// Head h owns rows h·2d ..< (h+1)·2d of the query, key and value weights and biases (the reference's
/// Linear(2d → 2d·H) reshaped to (H, 2d)).
public struct MultiHeadParameters<Scalar: MultiHeadScalar>: Sendable {
    public let configuration: MultiHeadConfiguration
    /// Q_1 … Q_H stacked: (H·2d) × 2d, and b_Q: H·2d.
    public var queryWeight: [Scalar]
    public var queryBias: [Scalar]
    /// K_1 … K_H stacked: (H·2d) × 2d, and b_K: H·2d.
    public var keyWeight: [Scalar]
    public var keyBias: [Scalar]
    /// V_1 … V_H stacked: (H·2d) × 2d, and b_V: H·2d.
    public var valueWeight: [Scalar]
    public var valueBias: [Scalar]
    /// W_O: 2d × 2d and b_O: 2d, applied to the sum over heads.
    public var outputWeight: [Scalar]
    public var outputBias: [Scalar]
    /// π_0 … π_{T−1}: T × 2d learned position embeddings.
    public var positionEmbeddings: [Scalar]
    /// LayerNorm(2d) affine scale γ and shift β.
    public var normScale: [Scalar]
    public var normShift: [Scalar]
    /// The final Linear(2d → d): d × 2d weight and d bias.
    public var readoutWeight: [Scalar]
    public var readoutBias: [Scalar]

    /// Names of the tensors in `tensors` order. The reference's state-dict names, in the same order:
    /// decoder.layers.0.attention.{queries, keys, values}.{weight, bias}, …attention.fc_out.{weight, bias},
    /// decoder.position_embedding.weight (its first T of 100 rows), decoder.layers.0.norm1.{weight, bias},
    /// fc_out.{weight, bias}.
    public static var tensorNames: [String] {
        ["queryWeight", "queryBias", "keyWeight", "keyBias", "valueWeight", "valueBias", "outputWeight",
         "outputBias", "positionEmbeddings", "normScale", "normShift", "readoutWeight", "readoutBias"]
    }

    static var tensorKeyPaths: [WritableKeyPath<MultiHeadParameters, [Scalar]>] {
        [\.queryWeight, \.queryBias, \.keyWeight, \.keyBias, \.valueWeight, \.valueBias, \.outputWeight,
         \.outputBias, \.positionEmbeddings, \.normScale, \.normShift, \.readoutWeight, \.readoutBias]
    }

    /// All tensors, in `tensorNames` order (the order the optimiser indexes them by).
    public var tensors: [[Scalar]] {
        get { Self.tensorKeyPaths.map { self[keyPath: $0] } }
        set {
            precondition(newValue.count == Self.tensorKeyPaths.count, "MultiHeadParameters: wrong tensor count")
            for (path, tensor) in zip(Self.tensorKeyPaths, newValue) {
                precondition(tensor.count == self[keyPath: path].count, "MultiHeadParameters: wrong tensor size")
                self[keyPath: path] = tensor
            }
        }
    }

    /// All tensors zero (used for gradients).
    public init(zerosFor configuration: MultiHeadConfiguration) {
        self.configuration = configuration
        let h = configuration.headCount, w = configuration.width, d = configuration.dimension
        func zeros(_ n: Int) -> [Scalar] { [Scalar](repeating: 0, count: n) }
        queryWeight = zeros(h * w * w); queryBias = zeros(h * w)
        keyWeight = zeros(h * w * w); keyBias = zeros(h * w)
        valueWeight = zeros(h * w * w); valueBias = zeros(h * w)
        outputWeight = zeros(w * w); outputBias = zeros(w)
        positionEmbeddings = zeros(configuration.positionCount * w)
        normScale = zeros(w); normShift = zeros(w)
        readoutWeight = zeros(d * w); readoutBias = zeros(d)
    }

    /// PyTorch's default initialisation: every Linear weight and bias U(−1/√fan_in, 1/√fan_in) (fan_in = 2d for
    /// all of them), position embeddings N(0, 1) (nn.Embedding), LayerNorm γ = 1, β = 0.
    public init(configuration: MultiHeadConfiguration, generator: inout SeededGenerator) {
        self.init(zerosFor: configuration)
        let bound = 1 / Double(configuration.width).squareRoot()
        func uniform(_ n: Int) -> [Scalar] {
            (0..<n).map { _ in Scalar(bound * (2 * generator.nextUniform() - 1)) }
        }
        // Draw order follows the reference's module construction: readout, embeddings, then V, K, Q, W_O.
        readoutWeight = uniform(readoutWeight.count); readoutBias = uniform(readoutBias.count)
        positionEmbeddings = (0..<positionEmbeddings.count).map { _ in Scalar(generator.nextGaussian()) }
        valueWeight = uniform(valueWeight.count); valueBias = uniform(valueBias.count)
        keyWeight = uniform(keyWeight.count); keyBias = uniform(keyBias.count)
        queryWeight = uniform(queryWeight.count); queryBias = uniform(queryBias.count)
        outputWeight = uniform(outputWeight.count); outputBias = uniform(outputBias.count)
        normScale = [Scalar](repeating: 1, count: configuration.width)
    }

    /// The same parameters in another precision.
    public func converted<Other: MultiHeadScalar>(to _: Other.Type = Other.self) -> MultiHeadParameters<Other> {
        var result = MultiHeadParameters<Other>(zerosFor: configuration)
        result.tensors = tensors.map { $0.map { Other($0) } }
        return result
    }
}
