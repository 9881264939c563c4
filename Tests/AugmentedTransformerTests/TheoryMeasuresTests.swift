import AugmentedTransformer
import GradientDescentBaselines
import NumericCore
import Testing

@Suite struct TheoryMeasuresTests {
    static let d = 5, width = 15

    /// Weights realising the theory: q = s_t, k = s_{k−1}, v = s_k, and W_O writes v into the zero slot; with
    /// `balanced`, W_O also writes −v into the s_t slot so that the attention output has zero mean and LayerNorm only
    /// rescales it.
    static func theoryParameters(balanced: Bool) -> TransformerParameters<Float> {
        var parameters = TransformerParameters<Float>.zeros(layerCount: 1, width: width)
        for i in 0..<d {
            parameters[0, .queryWeight][i * width + d + i] = 1        // q_i = s_t,i
            parameters[0, .keyWeight][i * width + 2 * d + i] = 1      // k_i = s_{k−1},i
            parameters[0, .valueWeight][i * width + d + i] = 1        // v_i = s_k,i
            parameters[0, .outputWeight][i * width + i] = 1           // zero slot ← v
            if balanced { parameters[0, .outputWeight][(d + i) * width + i] = -1 }
            parameters.tensors[parameters.readoutWeightIndex][i * width + i] = 1   // read the zero slot
        }
        parameters[0, .normWeight] = [Float](repeating: 1, count: width)
        return parameters
    }

    @Test func blockEnergyIsOneForTheoryWeights() {
        let weights = TrainedWeights(Self.theoryParameters(balanced: false)).layers[0]
        #expect(abs(TheoryMeasures.blockEnergyFraction(weights.queryKeyProduct, row: .current, column: .previous) - 1)
                < 1e-12)
        #expect(abs(TheoryMeasures.blockEnergyFraction(weights.valueOutputProduct, row: .zero, column: .current) - 1)
                < 1e-12)
        #expect(TheoryMeasures.blockEnergyFraction(weights.queryKeyProduct, row: .current, column: .current) == 0)
    }

    @Test func blockEnergyIsSmallForRandomWeights() {
        var generator = SeededGenerator(seed: 21)
        let weights = TrainedWeights(TransformerParameters<Float>.pytorchDefault(layerCount: 1, dimension: Self.d,
                                                                                 generator: &generator)).layers[0]
        // A random matrix spreads its energy over the 9 blocks (≈ 1/9 each).
        #expect(TheoryMeasures.blockEnergyFraction(weights.queryKeyProduct, row: .current, column: .previous) < 0.4)
        #expect(TheoryMeasures.blockEnergyFraction(weights.valueOutputProduct, row: .zero, column: .current) < 0.4)
    }

    /// End to end: with theory weights the network's prediction is parallel to Γ_t s_t = η C_t s_t (cosine 1);
    /// this checks the causal attention formula, the augmented tokens and the cosine measure together.
    @Test func theoryNetworkPredictsAlongOneGradientStep() {
        let data = HaarSequences.make(count: 6, tokenCount: 9, dimension: Self.d, seed: 17)
        let set = TokenSequences(data.values, shape: data.shape)
        let network = AugmentedTransformerNetwork<Float>(layerCount: 1, dimension: Self.d, positions: 8, capacity: 6)
        let sequences = data.values.map { Float($0) }
        let theory = AugmentedTransformerEvaluation.predictions(network: network,
                                                                parameters: Self.theoryParameters(balanced: true),
                                                                sequences: sequences, shape: data.shape)
        #expect(TheoryMeasures.meanCosineWithOneStep(predictions: theory, sequences: set) > 1 - 1e-5)
        var generator = SeededGenerator(seed: 2)
        let random = AugmentedTransformerEvaluation.predictions(
            network: network,
            parameters: .pytorchDefault(layerCount: 1, dimension: Self.d, generator: &generator),
            sequences: sequences, shape: data.shape)
        #expect(TheoryMeasures.meanCosineWithOneStep(predictions: random, sequences: set) < 0.9)
    }
}
