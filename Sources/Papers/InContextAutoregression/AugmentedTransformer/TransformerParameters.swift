import NumericCore

/// The parameters of the augmented-token linear Transformer, as flat row-major tensors.
///
/// Tensor order (the index Adam and the gradient use): for each layer ℓ, `layerTensorCount` tensors
/// W_Q, b_Q, W_K, b_K, W_V, b_V, W_O, b_O, LN weight γ, LN bias β; then the readout W_F, b_F.
/// Weights are stored like nn.Linear.weight: [out, in], so a projection is x Wᵀ + b.
public struct TransformerParameters<Scalar: TransformerScalar>: Equatable, Sendable {
    public enum Slot: Int, CaseIterable, Sendable {
        case queryWeight, queryBias, keyWeight, keyBias, valueWeight, valueBias, outputWeight, outputBias
        case normWeight, normBias
    }

    public static var layerTensorCount: Int { Slot.allCases.count }

    public let layerCount: Int
    /// Width D = 3d of an augmented token.
    public let width: Int
    public var tensors: [[Scalar]]

    public init(layerCount: Int, width: Int, tensors: [[Scalar]]) {
        precondition(layerCount >= 1 && width >= 1, "TransformerParameters: bad sizes")
        precondition(tensors.count == layerCount * Self.layerTensorCount + 2, "TransformerParameters: tensor count")
        self.layerCount = layerCount
        self.width = width
        self.tensors = tensors
        for (index, tensor) in tensors.enumerated() {
            precondition(tensor.count == tensorCounts[index], "TransformerParameters: tensor \(index) has wrong size")
        }
    }

    /// All-zero parameters of the right shapes.
    public static func zeros(layerCount: Int, width: Int) -> TransformerParameters {
        let counts = shapes(layerCount: layerCount, width: width)
        return TransformerParameters(layerCount: layerCount, width: width,
                                     tensors: counts.map { [Scalar](repeating: 0, count: $0) })
    }

    static func shapes(layerCount: Int, width: Int) -> [Int] {
        var counts: [Int] = []
        for _ in 0..<layerCount {
            for slot in Slot.allCases {
                switch slot {
                case .queryWeight, .keyWeight, .valueWeight, .outputWeight: counts.append(width * width)
                default: counts.append(width)
                }
            }
        }
        counts.append(width * width)
        counts.append(width)
        return counts
    }

    public var tensorCounts: [Int] { Self.shapes(layerCount: layerCount, width: width) }

    public func index(layer: Int, _ slot: Slot) -> Int { layer * Self.layerTensorCount + slot.rawValue }
    public var readoutWeightIndex: Int { layerCount * Self.layerTensorCount }
    public var readoutBiasIndex: Int { readoutWeightIndex + 1 }

    public subscript(layer: Int, slot: Slot) -> [Scalar] {
        get { tensors[index(layer: layer, slot)] }
        set { tensors[index(layer: layer, slot)] = newValue }
    }

    /// A readable name per tensor, e.g. "layer1.queryWeight", "readoutBias".
    public var tensorNames: [String] {
        var names: [String] = []
        for layer in 0..<layerCount { for slot in Slot.allCases { names.append("layer\(layer).\(slot)") } }
        return names + ["readoutWeight", "readoutBias"]
    }
}

extension TransformerParameters {
    /// PyTorch's default initialisation, drawn from `generator`: nn.Linear weight and bias ~ U(−1/√fan_in, 1/√fan_in),
    /// LayerNorm weight 1 and bias 0.
    ///
    /// A note on the order of draws: it follows the order in which the reference (`augmented.py`) creates its
    /// modules — the final Linear first, then per layer the value, key and query projections and the output
    /// projection. The reference also creates a position embedding, a second LayerNorm and a feed-forward block that
    /// its forward pass never uses; they get no gradient and do not exist here.
    public static func pytorchDefault(layerCount: Int, dimension: Int,
                                      generator: inout SeededGenerator) -> TransformerParameters {
        let width = 3 * dimension
        var parameters = zeros(layerCount: layerCount, width: width)
        let bound = 1 / Double(width).squareRoot()
        func uniform(_ count: Int) -> [Scalar] {
            (0..<count).map { _ in Scalar(bound * (2 * generator.nextUniform() - 1)) }
        }
        parameters.tensors[parameters.readoutWeightIndex] = uniform(width * width)
        parameters.tensors[parameters.readoutBiasIndex] = uniform(width)
        for layer in 0..<layerCount {
            for (weight, bias) in [(Slot.valueWeight, Slot.valueBias), (.keyWeight, .keyBias),
                                   (.queryWeight, .queryBias), (.outputWeight, .outputBias)] {
                parameters[layer, weight] = uniform(width * width)
                parameters[layer, bias] = uniform(width)
            }
            parameters[layer, .normWeight] = [Scalar](repeating: 1, count: width)
        }
        return parameters
    }

    /// The same parameters in another precision.
    public func converted<Other: TransformerScalar>(to _: Other.Type = Other.self) -> TransformerParameters<Other> {
        TransformerParameters<Other>(layerCount: layerCount, width: width,
                                     tensors: tensors.map { $0.map { Other($0) } })
    }
}
