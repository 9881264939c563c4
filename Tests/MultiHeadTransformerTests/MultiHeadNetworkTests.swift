#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MultiHeadTransformer
import NumericCore
import Testing

private let small = MultiHeadConfiguration(dimension: 5, headCount: 3, positionCount: 6)
/// More positions than one block of the blocked products (10), with a partial last block.
private let long = MultiHeadConfiguration(dimension: 5, headCount: 2, positionCount: 23)

@Test(arguments: [small, long])
func regroupedForwardMatchesTheLiteralFormula(configuration: MultiHeadConfiguration) {
    let sequences = gaussianSequences(count: 4, tokenCount: configuration.positionCount + 1, dimension: 5, seed: 11)
    let parameters = genericParameters(configuration, seed: 12)
    let network = MultiHeadNetwork<Double>(configuration: configuration, batchCapacity: 4)
    let fast = network.predictions(parameters: parameters, sequences: sequences, indices: [2, 0, 3, 1])
    var largest = 0.0
    for (slot, sequence) in [2, 0, 3, 1].enumerated() {
        let literal = literalPredictions(parameters, sequences, sequence: sequence)
        for (index, value) in literal.enumerated() {
            largest = max(largest, abs(value - fast[slot * literal.count + index]))
        }
    }
    // Both in Float64; the two orders of summation differ by rounding only.
    #expect(largest < 1e-12)
}

@Test func everyParameterGradientMatchesCentralDifferences() {
    let configuration = MultiHeadConfiguration(dimension: 5, headCount: 3, positionCount: 13)
    let sequences = gaussianSequences(count: 4, tokenCount: 14, dimension: 5, seed: 21)
    let parameters = genericParameters(configuration, seed: 22)
    let network = MultiHeadNetwork<Double>(configuration: configuration, batchCapacity: 4)
    let indices = [0, 3, 2]
    let (_, gradient) = network.lossAndGradient(parameters: parameters, sequences: sequences, indices: indices)
    let step = 1e-5
    for (tensorIndex, name) in MultiHeadParameters<Double>.tensorNames.enumerated() {
        let analytic = gradient.tensors[tensorIndex]
        var worst = 0.0
        for entry in 0..<analytic.count {
            var plus = parameters, minus = parameters
            var tensors = plus.tensors
            tensors[tensorIndex][entry] += step
            plus.tensors = tensors
            tensors = minus.tensors
            tensors[tensorIndex][entry] -= step
            minus.tensors = tensors
            let numeric = (network.loss(parameters: plus, sequences: sequences, indices: indices)
                - network.loss(parameters: minus, sequences: sequences, indices: indices)) / (2 * step)
            worst = max(worst, abs(numeric - analytic[entry]))
        }
        let scale = analytic.map(abs).max()!
        // Central differences in Float64 with h = 1e-5: truncation ~h² and rounding ~1e-16/h, both far below 1e-7.
        #expect(scale > 1e-6, "\(name) receives no gradient")
        #expect(worst < 1e-7 * max(scale, 1), "\(name): worst |analytic − numeric| = \(worst), scale \(scale)")
    }
}

@Test func floatAndDoublePassesAgree() {
    let sequences = haarSequences(count: 6, tokenCount: 7, dimension: 5, seed: 31)
    let parameters = genericParameters(small, seed: 32)
    let indices = [5, 1, 3]
    let double = MultiHeadNetwork<Double>(configuration: small, batchCapacity: 4)
    let single = MultiHeadNetwork<Float>(configuration: small, batchCapacity: 4)
    let (lossDouble, gradientDouble) = double.lossAndGradient(parameters: parameters, sequences: sequences, indices: indices)
    let (lossSingle, gradientSingle) = single.lossAndGradient(parameters: parameters.converted(to: Float.self),
                                                              sequences: sequences, indices: indices)
    // Float32 rounding (~1e-7 relative) amplified by at most a few hundred terms per sum.
    #expect(abs(lossDouble - lossSingle) < 1e-5 * lossDouble)
    for (a, b) in zip(gradientDouble.tensors, gradientSingle.tensors) {
        let scale = a.map(abs).max()!
        let worst = zip(a, b).map { abs($0 - Double($1)) }.max()!
        #expect(worst < 1e-4 * scale)
    }
}

@Test func evaluationAveragesOverAllSequencesAndPositions() {
    let sequences = haarSequences(count: 7, tokenCount: 7, dimension: 5, seed: 41)
    let parameters = genericParameters(small, seed: 42)
    let network = MultiHeadNetwork<Double>(configuration: small, batchCapacity: 3)
    let (loss, perPosition) = network.evaluate(parameters: parameters, sequences: sequences)
    var total = 0.0
    for n in 0..<7 {
        let predictions = literalPredictions(parameters, sequences, sequence: n)
        for t in 0..<6 { for i in 0..<5 { total += pow(predictions[t * 5 + i] - sequences[n, t + 1, i], 2) } }
    }
    #expect(abs(loss - total / Double(7 * 6 * 5)) < 1e-12)
    #expect(abs(perPosition.reduce(0, +) / 6 - loss) < 1e-12)
}
