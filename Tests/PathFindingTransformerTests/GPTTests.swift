import Testing
import NumericCore
import Layers
@testable import PathFindingTransformer

@Suite struct GPTTests {
    /// The whole model's gradient (every parameter) against central differences in Float64, on packed sequences of
    /// different lengths with PAD targets, two layers and two heads.
    @Test func gradientOfTheWholeModelMatchesFiniteDifferences() {
        let configuration = GPTConfiguration(vocabulary: 7, block: 5, width: 8, layers: 2, heads: 2)
        let model = GPT<Double>(configuration, capacity: 12, workers: 2)
        model.initialise(seed: 3)
        // Larger weights than nanoGPT's 0.02 so every path carries a gradient well above rounding.
        var generator = SeededGenerator(seed: 4)
        model.parameters.initialiseNormal(&generator) { $0.name.contains("ln") ? nil : 0.4 }
        let layout = SequenceLayout(lengths: [5, 3, 4])
        let tokens: [Int32] = [2, 3, 2, 4, 1, 5, 6, 5, 3, 4, 3, 6]
        let targets: [Int32] = [3, 2, 4, 1, 0, 6, 5, 1, 4, 3, 6, 0]
        let h = 1e-6
        model.parameters.zeroGradients()
        _ = model.train(tokens: tokens, targets: targets, layout: layout)
        for parameter in model.parameters.parameters {
            var worst = 0.0
            for i in 0..<parameter.count {
                let saved = parameter.value[i]
                parameter.value[i] = saved + h
                let up = loss(model, tokens, targets, layout)
                parameter.value[i] = saved - h
                let down = loss(model, tokens, targets, layout)
                parameter.value[i] = saved
                let numeric = (up - down) / (2 * h)
                worst = max(worst, abs(numeric - parameter.gradient[i]) / max(1, abs(parameter.gradient[i])))
            }
            #expect(worst < 1e-6, "\(parameter.name): worst relative error \(worst)")
        }
    }

    /// Packing is exact: a sequence's logits do not depend on the sequences packed beside it.
    @Test func packedSequencesDoNotSeeEachOther() {
        let configuration = GPTConfiguration(vocabulary: 9, block: 6, width: 12, layers: 1, heads: 3)
        let model = GPT<Double>(configuration, capacity: 20)
        model.initialise(seed: 5)
        let alone = Array(UnsafeBufferPointer(start: model.forward(tokens: [2, 3, 4], layout: SequenceLayout(lengths: [3])),
                                              count: 3 * 9))
        let packed = model.forward(tokens: [5, 6, 7, 8, 2, 3, 4], layout: SequenceLayout(lengths: [4, 3]))
        let second = Array(UnsafeBufferPointer(start: packed + 4 * 9, count: 3 * 9))
        #expect(alone == second)
    }

    /// Training bytes do not depend on the number of workers (products split by result rows, fixed-order sums).
    @Test func trainingIsBitIdenticalForOneAndTwoWorkers() throws {
        var generator = SeededGenerator(seed: 21)
        let lines = TrainingLines(lines: (0..<200).map { _ in
            (0..<(3 + generator.nextIndex(below: 6))).map { _ in Int32(2 + generator.nextIndex(below: 30)) } + [1]
        }, block: 10)
        var finals: [[Float]] = []
        for workers in [1, 2] {
            let model = GPT<Float>(GPTConfiguration(vocabulary: 32, block: 10, width: 24, layers: 2, heads: 2),
                                   capacity: 64 * 10, workers: workers)
            model.initialise(seed: 1)
            _ = try trainGPT(model, on: lines, settings: GPTTrainingSettings(steps: 5, batchSize: 64, seed: 2))
            finals.append(model.parameters.parameters.flatMap { $0.value.values })
        }
        #expect(finals[0] == finals[1])
    }

    @Test func parameterCountMatchesTheFormula() {
        let configuration = GPTConfiguration(vocabulary: 102, block: 16, width: 120, layers: 1, heads: 1)
        let model = GPT<Float>(configuration, capacity: 1)
        #expect(model.parameters.scalarCount == configuration.parameterCount)
    }

    func loss(_ model: GPT<Double>, _ tokens: [Int32], _ targets: [Int32], _ layout: SequenceLayout) -> Double {
        let logits = model.forward(tokens: tokens, layout: layout)
        let scratch = Tensor<Double>([layout.rowCount, model.configuration.vocabulary])
        return withExtendedLifetime(scratch) { CrossEntropy.evaluate(logits: logits, targets: targets, ignored: 0,
                                     classes: model.configuration.vocabulary, gradient: scratch.pointer).mean }
    }
}
