import NumericCore

/// The trained weights of one layer in Double, with the two products the theory speaks about.
public struct LayerWeights: Equatable, Sendable {
    public let queryWeight: Matrix, queryBias: [Double]
    public let keyWeight: Matrix, keyBias: [Double]
    public let valueWeight: Matrix, valueBias: [Double]
    public let outputWeight: Matrix, outputBias: [Double]
    public let normWeight: [Double], normBias: [Double]
    /// W_Qᵀ W_K (D×D): q·k = x_tᵀ (W_Qᵀ W_K) x_k up to biases; the theory puts a·I in block (s_t, s_{t−1}).
    public let queryKeyProduct: Matrix
    /// W_O W_V (D×D): the value-output map; the theory puts b·I in block (zero slot, s_t).
    public let valueOutputProduct: Matrix
}

/// Every trained tensor, exported per layer, plus the final Linear.
public struct TrainedWeights: Equatable, Sendable {
    public let layers: [LayerWeights]
    public let readoutWeight: Matrix
    public let readoutBias: [Double]

    public init<Scalar: TransformerScalar>(_ parameters: TransformerParameters<Scalar>) {
        let D = parameters.width
        func matrix(_ tensor: [Scalar]) -> Matrix { Matrix(rows: D, columns: D, elements: tensor.map { Double($0) }) }
        func vector(_ tensor: [Scalar]) -> [Double] { tensor.map { Double($0) } }
        layers = (0..<parameters.layerCount).map { layer in
            let q = matrix(parameters[layer, .queryWeight]), k = matrix(parameters[layer, .keyWeight])
            let v = matrix(parameters[layer, .valueWeight]), o = matrix(parameters[layer, .outputWeight])
            return LayerWeights(queryWeight: q, queryBias: vector(parameters[layer, .queryBias]),
                                keyWeight: k, keyBias: vector(parameters[layer, .keyBias]),
                                valueWeight: v, valueBias: vector(parameters[layer, .valueBias]),
                                outputWeight: o, outputBias: vector(parameters[layer, .outputBias]),
                                normWeight: vector(parameters[layer, .normWeight]),
                                normBias: vector(parameters[layer, .normBias]),
                                queryKeyProduct: q.multiplied(by: k, transposeSelf: true),
                                valueOutputProduct: o * v)
        }
        readoutWeight = matrix(parameters.tensors[parameters.readoutWeightIndex])
        readoutBias = vector(parameters.tensors[parameters.readoutBiasIndex])
    }
}
