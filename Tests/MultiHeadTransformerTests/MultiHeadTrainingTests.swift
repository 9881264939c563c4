import GradientDescentBaselines
import MultiHeadTransformer
import NumericCore
import Testing

private let configuration = MultiHeadConfiguration(dimension: 5, headCount: 4, positionCount: 8)

@Test func trainingIsDeterministicForASeed() throws {
    let training = haarSequences(count: 48, tokenCount: 9, dimension: 5, seed: 91)
    let test = haarSequences(count: 16, tokenCount: 9, dimension: 5, seed: 92)
    let options = MultiHeadTrainingOptions(batchSize: 16, epochCount: 2)
    func run(_ seed: UInt64) throws -> ([MultiHeadEpochReport], [[Float]]) {
        let trainer = MultiHeadTrainer(configuration: configuration, training: training, test: test, options: options,
                                       generator: SeededGenerator(seed: seed))
        var calls = 0
        let reports = try trainer.train { _ in calls += 1 }
        #expect(calls == 2)
        return (reports, trainer.parameters.tensors)
    }
    let (first, firstParameters) = try run(7), (second, secondParameters) = try run(7), (other, _) = try run(8)
    #expect(first == second)
    #expect(firstParameters == secondParameters)
    #expect(first != other)
}

@Test func firstEpochReportsTheInitialLossAndTheTestLoss() throws {
    // One full batch: the epoch's train loss is the loss of the initial parameters on the whole training set.
    let training = haarSequences(count: 24, tokenCount: 9, dimension: 5, seed: 93)
    let test = haarSequences(count: 8, tokenCount: 9, dimension: 5, seed: 94)
    var generator = SeededGenerator(seed: 3)
    let initial = MultiHeadParameters<Float>(configuration: configuration, generator: &generator)
    let trainer = MultiHeadTrainer(configuration: configuration, training: training, test: test,
                                   options: MultiHeadTrainingOptions(batchSize: 32, epochCount: 1),
                                   generator: SeededGenerator(seed: 3))
    let report = try trainer.trainEpoch()
    let network = MultiHeadNetwork<Float>(configuration: configuration, batchCapacity: 32)
    let initialLoss = network.loss(parameters: initial, sequences: training, indices: Array(0..<24))
    #expect(abs(report.meanTrainLoss - initialLoss) < 1e-5 * initialLoss)
    #expect(report.lastBatchTrainLoss == report.meanTrainLoss)
    #expect(report.testLoss == trainer.evaluate(test).loss)
    #expect(report.epoch == 1)
}

@Test func adamLowersTheTestLossBelowPredictingZero() throws {
    let training = haarSequences(count: 256, tokenCount: 9, dimension: 5, seed: 95)
    let test = haarSequences(count: 64, tokenCount: 9, dimension: 5, seed: 96)
    let trainer = MultiHeadTrainer(configuration: configuration, training: training, test: test,
                                   options: MultiHeadTrainingOptions(batchSize: 64, epochCount: 20),
                                   generator: SeededGenerator(seed: 4))
    let reports = try trainer.train()
    let zero = InContextBaselines.predictZero(test).meanSquaredError
    #expect(reports.last!.testLoss < 0.9 * zero)
    #expect(reports.last!.meanTrainLoss < reports.first!.meanTrainLoss)
}
