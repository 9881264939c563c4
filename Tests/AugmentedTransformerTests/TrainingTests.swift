import AugmentedTransformer
import GradientDescentBaselines
import NumericCore
import Testing

@Suite struct TrainingTests {
    static let train = HaarSequences.make(count: 100, tokenCount: 11, dimension: 5, seed: 1)
    static let test = HaarSequences.make(count: 40, tokenCount: 11, dimension: 5, seed: 2)

    /// 100 sequences with batch 32 also exercises a short last batch (4 sequences).
    static func run(seed: UInt64, epochs: Int, layers: Int = 1) throws -> TrainingResult {
        var generator = SeededGenerator(seed: seed)
        return try trainAugmentedTransformer(configuration: TrainingConfiguration(layerCount: layers, epochs: epochs,
                                                                              batchSize: 32),
                                         trainSequences: train.values.map { Float($0) }, trainShape: train.shape,
                                         testSequences: test.values.map { Float($0) }, testShape: test.shape,
                                         generator: &generator)
    }

    @Test func sameSeedGivesIdenticalTrajectory() throws {
        let first = try Self.run(seed: 7, epochs: 3, layers: 2), second = try Self.run(seed: 7, epochs: 3, layers: 2)
        let bits = { (result: TrainingResult) in
            result.history.flatMap { [$0.trainLoss.bitPattern, $0.lastBatchTrainLoss.bitPattern,
                                      $0.testLoss.bitPattern] }
        }
        #expect(bits(first) == bits(second))
        #expect(first.parameters == second.parameters)
        let other = try Self.run(seed: 8, epochs: 3, layers: 2)
        #expect(bits(other) != bits(first))
    }

    @Test func trainingLowersTheTestLoss() throws {
        var generator = SeededGenerator(seed: 3)
        let initial = TransformerParameters<Float>.pytorchDefault(layerCount: 1, dimension: 5, generator: &generator)
        let network = AugmentedTransformerNetwork<Float>(layerCount: 1, dimension: 5, positions: 10, capacity: 32)
        let before = AugmentedTransformerEvaluation.loss(network: network, parameters: initial,
                                                         sequences: Self.test.values.map { Float($0) },
                                                         shape: Self.test.shape)
        let result = try Self.run(seed: 3, epochs: 8)
        #expect(result.history.count == 8)
        #expect(result.history.last!.testLoss < 0.8 * before)
        #expect(result.history.last!.trainLoss < result.history.first!.trainLoss)
    }

    /// The exported predictions are the outputs whose MSE is the recorded test loss.
    @Test func predictionsReproduceTheTestLoss() throws {
        let result = try Self.run(seed: 4, epochs: 2)
        let set = TokenSequences(Self.test.values.map { Float($0) }, shape: Self.test.shape)
        let mse = TheoryMeasures.meanSquaredError(predictions: result.testPredictions, sequences: set)
        #expect(abs(mse - result.history.last!.testLoss) <= 1e-9 * mse)
        // Exported products are W_Qᵀ W_K and W_O W_V of the trained tensors.
        let layer = result.weights.layers[0]
        let product = layer.queryWeight.transposed * layer.keyWeight
        #expect((product - layer.queryKeyProduct).frobeniusNorm <= 1e-12 * product.frobeniusNorm)
        #expect(result.weights.layers[0].queryWeight.elements
                == result.parameters[0, .queryWeight].map { Double($0) })
    }
}
