import Foundation
import Testing
import NumericCore
@testable import Layers

/// Every layer's and loss's backward pass against central differences in Float64, on random inputs.
@Suite struct LayerGradientTests {
    let check = GradientCheck()

    @Test(arguments: [true, false]) func linear(bias: Bool) {
        var rng = SeededGenerator(seed: 1)
        let parameters = ParameterSet<Double>()
        let layer = Linear("fc", inputs: 5, outputs: 4, bias: bias, in: parameters)
        parameters.initialiseNormal(&rng) { _ in 0.5 }
        let rows = 7
        let x = randomTensor([rows, 5], &rng), dx = Tensor<Double>([rows, 5])
        let w = randomTensor([rows, 4], &rng), y = Tensor<Double>([rows, 4])
        var entries = [("x", x, dx)] + parameters.parameters.map { ($0.name, $0.value, $0.gradient) }
        entries = entries.map { $0 }
        check.verify(entries.map { (name: $0.0, value: $0.1, gradient: $0.2) }, loss: {
            layer.forward(x.pointer, rows: rows, into: y.pointer)
            return weightedSum(y.pointer, w, count: y.count)
        }, backward: {
            layer.backward(input: x.pointer, outputGradient: w.pointer, rows: rows, inputGradient: dx.pointer)
        })
    }

    /// Large enough that the products are split over two workers.
    @Test func linearSplitOverWorkers() {
        var rng = SeededGenerator(seed: 8)
        let parameters = ParameterSet<Double>()
        let layer = Linear("fc", inputs: 40, outputs: 30, bias: true, in: parameters, workers: 2)
        parameters.initialiseNormal(&rng) { _ in 0.3 }
        let rows = 64
        let x = randomTensor([rows, 40], &rng), dx = Tensor<Double>([rows, 40])
        let w = randomTensor([rows, 30], &rng), y = Tensor<Double>([rows, 30])
        #expect(layer.rowWorkers(rows) == 2)
        let entries = [(name: "x", value: x, gradient: dx)]
            + parameters.parameters.map { (name: $0.name, value: $0.value, gradient: $0.gradient) }
        check.verify(entries, loss: {
            layer.forward(x.pointer, rows: rows, into: y.pointer)
            return weightedSum(y.pointer, w, count: y.count)
        }, backward: {
            layer.backward(input: x.pointer, outputGradient: w.pointer, rows: rows, inputGradient: dx.pointer)
        })
    }

    @Test func embeddingWithTiedProjectionAndPositions() {
        var rng = SeededGenerator(seed: 2)
        let parameters = ParameterSet<Double>()
        let embedding = Embedding("wte", vocabulary: 6, width: 4, in: parameters)
        let positions = LearnedPositions("wpe", block: 5, width: 4, in: parameters)
        parameters.initialiseNormal(&rng) { _ in 0.7 }
        let layout = SequenceLayout(lengths: [3, 5, 1])
        let tokens: [Int32] = [1, 2, 2, 0, 5, 5, 3, 2, 4]
        let x = Tensor<Double>([9, 4]), logits = Tensor<Double>([9, 6]), dx = Tensor<Double>([9, 4])
        let w = randomTensor([9, 6], &rng)
        check.verify(parameters.parameters.map { (name: $0.name, value: $0.value, gradient: $0.gradient) }, loss: {
            embedding.forward(tokens: tokens, into: x.pointer)
            positions.forward(layout, into: x.pointer)
            embedding.project(x.pointer, rows: 9, into: logits.pointer)
            return weightedSum(logits.pointer, w, count: logits.count)
        }, backward: {
            embedding.projectBackward(input: x.pointer, outputGradient: w.pointer, rows: 9, inputGradient: dx.pointer)
            positions.backward(layout, outputGradient: dx.pointer)
            embedding.backward(tokens: tokens, outputGradient: dx.pointer)
        })
    }

    @Test(arguments: [(true, 5), (false, 5), (true, 70)]) func layerNorm(bias: Bool, rows: Int) {
        var rng = SeededGenerator(seed: 3)
        let parameters = ParameterSet<Double>()
        let norm = LayerNorm("ln", width: 6, bias: bias, capacity: 80, in: parameters, workers: 2)
        parameters.initialiseNormal(&rng) { _ in 0.8 }
        let x = randomTensor([rows, 6], &rng), dx = Tensor<Double>([rows, 6])
        let w = randomTensor([rows, 6], &rng), y = Tensor<Double>([rows, 6])
        let entries = [(name: "x", value: x, gradient: dx)]
            + parameters.parameters.map { (name: $0.name, value: $0.value, gradient: $0.gradient) }
        check.verify(entries, loss: {
            norm.forward(x.pointer, rows: rows, into: y.pointer)
            return weightedSum(y.pointer, w, count: y.count)
        }, backward: {
            norm.backward(outputGradient: w.pointer, rows: rows, inputGradient: dx.pointer)
        })
    }

    @Test(arguments: [CausalAttention<Double>.Scoring.softmax, .linear], [1, 2])
    func causalAttention(scoring: CausalAttention<Double>.Scoring, workers: Int) {
        var rng = SeededGenerator(seed: 4)
        let width = 6, heads = 2
        let layout = SequenceLayout(lengths: [4, 1, 3])
        let rows = layout.rowCount
        let attention = CausalAttention<Double>(width: width, heads: heads, block: 4, capacity: rows,
                                                scoring: scoring, workers: workers)
        let qkv = randomTensor([rows, 3 * width], &rng), dqkv = Tensor<Double>([rows, 3 * width])
        let w = randomTensor([rows, width], &rng), y = Tensor<Double>([rows, width])
        check.verify([(name: "qkv", value: qkv, gradient: dqkv)], loss: {
            attention.forward(qkv.pointer, layout: layout, into: y.pointer)
            return weightedSum(y.pointer, w, count: y.count)
        }, backward: {
            attention.backward(input: qkv.pointer, outputGradient: w.pointer, inputGradient: dqkv.pointer)
        })
    }

    @Test func geluTanh() {
        var rng = SeededGenerator(seed: 5)
        let x = randomTensor([40], &rng, scale: 2), dx = Tensor<Double>([40])
        let w = randomTensor([40], &rng), y = Tensor<Double>([40]), tangents = Tensor<Double>([40])
        check.verify([(name: "x", value: x, gradient: dx)], loss: {
            GELU.forward(x.pointer, count: 40, into: y.pointer, tangents: tangents.pointer, workers: 2)
            return weightedSum(y.pointer, w, count: 40)
        }, backward: {
            GELU.backward(input: x.pointer, tangents: tangents.pointer, outputGradient: w.pointer, count: 40,
                          inputGradient: dx.pointer, workers: 2)
        })
        // Independent values: GELU_tanh(1) = 0.8411919906082768, GELU_tanh(−1) = −0.15880800939172324 (PyTorch).
        let probe = Tensor<Double>([2], values: [1, -1]), out = Tensor<Double>([2]), probeTangents = Tensor<Double>([2])
        GELU.forward(probe.pointer, count: 2, into: out.pointer, tangents: probeTangents.pointer)
        withExtendedLifetime(probeTangents) {}
        #expect(abs(out[0] - 0.8411919906082768) < 1e-12 && abs(out[1] + 0.15880800939172324) < 1e-12)
    }

    @Test func crossEntropyIgnoresItsToken() {
        var rng = SeededGenerator(seed: 6)
        let logits = randomTensor([5, 4], &rng), gradient = Tensor<Double>([5, 4])
        let targets: [Int32] = [2, 0, 3, 0, 1]
        check.verify([(name: "logits", value: logits, gradient: gradient)], loss: {
            let scratch = Tensor<Double>([5, 4])
            return withExtendedLifetime(scratch) { CrossEntropy.evaluate(logits: logits.pointer, targets: targets, ignored: 0, classes: 4,
                                         gradient: scratch.pointer).mean }
        }, backward: {
            _ = CrossEntropy.evaluate(logits: logits.pointer, targets: targets, ignored: 0, classes: 4,
                                      gradient: gradient.pointer)
        })
        // The mean is over the 3 counted rows, by an independent log-sum-exp.
        var expected = 0.0
        for (r, t) in targets.enumerated() where t != 0 {
            let row = (0..<4).map { logits[r * 4 + $0] }
            expected += log(row.map { exp($0) }.reduce(0, +)) - row[Int(t)]
        }
        let value = CrossEntropy.evaluate(logits: logits.pointer, targets: targets, ignored: 0, classes: 4,
                                          gradient: gradient.pointer)
        #expect(value.terms == 3 && abs(value.mean - expected / 3) < 1e-12)
    }

    @Test func slicedMeanSquaredError() {
        var rng = SeededGenerator(seed: 7)
        let output = randomTensor([4, 5], &rng), gradient = Tensor<Double>([4, 5]), targets = randomTensor([4, 2], &rng)
        check.verify([(name: "output", value: output, gradient: gradient)], loss: {
            let scratch = Tensor<Double>([4, 5])
            return withExtendedLifetime(scratch) { SlicedMeanSquaredError.evaluate(output: output.pointer, outputWidth: 5, targets: targets.pointer,
                                                   targetWidth: 2, rows: 4, gradient: scratch.pointer).mean }
        }, backward: {
            _ = SlicedMeanSquaredError.evaluate(output: output.pointer, outputWidth: 5, targets: targets.pointer,
                                                targetWidth: 2, rows: 4, gradient: gradient.pointer)
        })
    }
}
